namespace Gauntlet.Llm.Targets;

/// <summary>One message of a chat conversation, as the OpenAI chat-completions API carries it.</summary>
/// <param name="Role"><c>system</c>, <c>user</c>, <c>assistant</c> or <c>tool</c>.</param>
/// <param name="Content">The text.</param>
public sealed record ChatMessage(string Role, string Content)
{
    /// <summary>A system message.</summary>
    /// <param name="content">The text.</param>
    /// <returns>The message.</returns>
    public static ChatMessage System(string content) => new("system", content);

    /// <summary>A user message.</summary>
    /// <param name="content">The text.</param>
    /// <returns>The message.</returns>
    public static ChatMessage User(string content) => new("user", content);

    /// <summary>A tool result, the channel of indirect injection.</summary>
    /// <param name="content">The text.</param>
    /// <returns>The message.</returns>
    public static ChatMessage Tool(string content) => new("tool", content);
}
