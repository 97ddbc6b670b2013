using Lockstep;

namespace Tutorial;

/// <summary>
/// Copies the files of a (temporary) directory with four copier workers fed by a JoinableQueue, then checks every
/// copy byte for byte. Errors are collected under a lock rather than lost with the thread.
/// </summary>
internal static class ParallelFileCopier
{
    public static void Run()
    {
        var root = Directory.CreateTempSubdirectory("lockstep-tutorial-");
        try
        {
            var source = Directory.CreateDirectory(Path.Combine(root.FullName, "source"));
            var target = Directory.CreateDirectory(Path.Combine(root.FullName, "target"));
            var random = new Random(42);
            long bytes = 0;
            for (var i = 0; i < 24; i++)
            {
                var content = new byte[random.Next(1, 256 * 1024)];
                random.NextBytes(content);
                File.WriteAllBytes(Path.Combine(source.FullName, $"file-{i:D2}.bin"), content);
                bytes += content.Length;
            }

            var copies = new JoinableQueue<(string From, string To)>(maxSize: 8);
            var errorsLock = new Lock();
            var errors = new List<string>();
            var copiers = Enumerable.Range(1, 4).Select(i => new Worker(token =>
            {
                foreach (var (from, to) in copies.Consume(token))
                {
                    try
                    {
                        File.Copy(from, to);
                    }
                    catch (IOException ex)
                    {
                        using (errorsLock.Acquire())
                        {
                            errors.Add($"{from}: {ex.Message}");
                        }
                    }
                    finally
                    {
                        copies.TaskDone();
                    }
                }
            }, $"copier-{i}")).ToList();
            foreach (var copier in copiers)
            {
                copier.Start();
            }

            foreach (var file in Directory.EnumerateFiles(source.FullName))
            {
                copies.Put((file, Path.Combine(target.FullName, Path.GetFileName(file))));
            }

            copies.Join();
            copies.Close();
            foreach (var copier in copiers)
            {
                copier.Join();
            }

            var identical = Directory.EnumerateFiles(source.FullName).Count(file =>
                File.ReadAllBytes(file).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(target.FullName, Path.GetFileName(file)))));
            Console.WriteLine($"   copied 24 files ({bytes / 1024:N0} KiB) with 4 copiers: {identical} identical copies, {errors.Count} errors");
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }
}
