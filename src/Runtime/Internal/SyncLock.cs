// The runtime's own short internal critical sections use System.Threading.Lock where it exists
// (.NET 9+): it is cheaper than Monitor on a plain object. The lock statement binds to the static type.
#if NET9_0_OR_GREATER
global using SyncLock = System.Threading.Lock;
#else
global using SyncLock = System.Object;
#endif
