namespace Dts.Testbed.Registry;

/// <summary>
/// The proof that a process still owns a testbed: an exclusive advisory lock (<c>flock(2)</c> <c>LOCK_EX</c>, which
/// .NET takes for <see cref="FileShare.None"/> on Unix) on <c>/run/dts-testbed/&lt;runid&gt;.lock</c>. The kernel
/// drops the lock when the holder's file descriptor closes — on dispose or when the process dies, however it dies —
/// so "nobody holds the lease" is exactly "the owner is gone", with no pid to be reused and no window while the
/// testbed is being built: the lease is taken before the registry entry or any namespace exists.
/// </summary>
internal sealed class TestbedLease : IDisposable
{
    private readonly FileStream _lock;

    private TestbedLease(string runId, FileStream @lock)
    {
        RunId = runId;
        _lock = @lock;
    }

    public string RunId { get; }

    /// <summary>Takes the lease without waiting; false when another holder (in any process) has it.</summary>
    public static bool TryAcquire(string runId, out TestbedLease? lease)
    {
        Directory.CreateDirectory(TestbedRegistry.Directory);
        try
        {
            var stream = new FileStream(PathOf(runId), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            lease = new TestbedLease(runId, stream);
            return true;
        }
        catch (IOException)
        {
            lease = null;
            return false;
        }
    }

    /// <summary>
    /// Whether someone holds the lease of <paramref name="runId"/>: <see langword="null"/> when the run has no lease
    /// file (namespaces made by other code, such as Dts.Linux.Tests'); then only its owner pid can tell.
    /// </summary>
    public static bool? IsHeld(string runId)
    {
        try
        {
            // A shared lock (LOCK_SH, what .NET takes for a read-only open that shares reading), taken and released at
            // once: it fails while a live owner holds LOCK_EX, and two probes never fail each other.
            using var probe = new FileStream(PathOf(runId), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return false;
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (IOException)
        {
            return true;
        }
    }

    /// <summary>Deletes the lease file (the testbed is gone), then releases the lock.</summary>
    public void Release()
    {
        try
        {
            File.Delete(PathOf(RunId));
        }
        finally
        {
            Dispose();
        }
    }

    /// <summary>Releases the lock and keeps the file: from now on the testbed is a leftover (as if its owner had died).</summary>
    public void Dispose() => _lock.Dispose();

    private static string PathOf(string runId) => Path.Combine(TestbedRegistry.Directory, runId + ".lock");
}
