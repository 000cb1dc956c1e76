namespace Gauntlet.Llm.Targets;

/// <summary>Something that answers chat messages: an HTTP endpoint, or an in-process stand-in in tests.</summary>
public interface ILlmTarget
{
    /// <summary>A display name (the URL and model), written into reports.</summary>
    string Name { get; }

    /// <summary>Sends a conversation and returns the reply, or an error record; never throws for a misbehaving target.</summary>
    /// <param name="messages">The conversation.</param>
    /// <param name="cancellationToken">Cancels the call (an <see cref="OperationCanceledException"/> then propagates).</param>
    /// <returns>The reply or the error.</returns>
    Task<TargetResponse> SendAsync(IReadOnlyList<ChatMessage> messages, CancellationToken cancellationToken = default);
}

/// <summary>A target answered by a function in this process: tests and the practice assistant without HTTP.</summary>
/// <param name="name">The display name.</param>
/// <param name="reply">Computes the reply.</param>
public sealed class DelegateTarget(string name, Func<IReadOnlyList<ChatMessage>, string> reply) : ILlmTarget
{
    /// <inheritdoc />
    public string Name { get; } = name;

    /// <inheritdoc />
    public Task<TargetResponse> SendAsync(IReadOnlyList<ChatMessage> messages, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(new TargetResponse { Text = reply(messages), Attempts = 1, StatusCode = 200 });
    }
}
