using Pitfalls;

Console.WriteLine("Lockstep pitfalls: build this project to see the analyzers' warnings.");
Console.WriteLine(new Counter().Next());
