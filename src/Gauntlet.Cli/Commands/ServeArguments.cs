using System.Net;
using Gauntlet.Llm.Guard.Hosting;

namespace Gauntlet.Cli.Commands;

/// <summary>What llm-target and guard share: the listen address, starting, and running until Ctrl+C or --duration.</summary>
internal static class ServeArguments
{
    public static IPEndPoint Endpoint(string listen)
    {
        try
        {
            return LoopbackHost.ParseListen(listen);
        }
        catch (FormatException ex)
        {
            throw new UserInputException(ex.Message, ex);
        }
    }

    public static T Start<T>(Func<Task<T>> start)
    {
        try
        {
            return start().GetAwaiter().GetResult();
        }
        catch (IOException ex)
        {
            throw new UserInputException("--listen: " + ex.Message, ex);
        }
    }

    public static void RunUntilStopped(Func<CancellationToken, Task> wait, Func<ValueTask> stop, float? seconds)
    {
        using var cancellation = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            if (seconds is { } s)
            {
                cancellation.CancelAfter(TimeSpan.FromSeconds(s));
            }

            try
            {
                wait(cancellation.Token).GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C or --duration: a normal stop.
            }
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
            stop().AsTask().GetAwaiter().GetResult();
        }
    }
}
