// With implicit usings, System.Threading is imported everywhere, and .NET 9+ has a System.Threading.Lock:
// a bare `Lock` would be ambiguous. The alias picks Lockstep's (see docs/runtime.md, "Lock and System.Threading.Lock").
global using Lock = Lockstep.Lock;
