namespace Gauntlet.Cli;

/// <summary>
/// An <see cref="IProgress{T}"/> that reports on the calling thread; <see cref="Progress{T}"/>
/// would post to the thread pool and reorder or drop updates in a console app.
/// </summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
