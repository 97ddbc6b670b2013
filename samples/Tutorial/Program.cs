Console.WriteLine("Lockstep tutorial programs.");
var gate = new Lockstep.Lock();
using (gate.Acquire())
{
    Console.WriteLine("Held the lock, released it with the scope.");
}
