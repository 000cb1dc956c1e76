namespace Gauntlet.Governance.Log;

/// <summary>
/// The writer's lock on a log folder: an exclusive open of <c>.lock</c>, which .NET takes with
/// flock(2) on Linux, so it excludes other processes as well as other handles in this one, and the
/// kernel drops it when a writer dies mid-append.
/// </summary>
internal sealed class LogLock : IDisposable
{
    private readonly FileStream _stream;

    private LogLock(FileStream stream) => _stream = stream;

    /// <summary>Takes the lock, waiting up to <paramref name="timeout"/> for another writer to finish.</summary>
    /// <exception cref="IOException">Another writer held it for the whole wait.</exception>
    public static LogLock Acquire(string path, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var delay = 2;
        while (true)
        {
            try
            {
                return new LogLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(delay);
                delay = Math.Min(delay * 2, 50);
            }
            catch (IOException ex)
            {
                throw new IOException($"the log at {Path.GetDirectoryName(path)} is locked by another writer (waited {timeout.TotalSeconds:0} s)", ex);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _stream.Dispose();
}
