using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gauntlet.Llm.Targets;

namespace Gauntlet.Llm.Guard;

/// <summary>The OpenAI chat-completions wire format, as far as the guard and the practice target need it.</summary>
public static class OpenAiWire
{
    /// <summary>The messages of a request body; <c>content</c> may be a string or an array of text parts.</summary>
    /// <param name="body">The parsed body.</param>
    /// <returns>The messages.</returns>
    /// <exception cref="FormatException">No <c>messages</c> array, or a message without a role.</exception>
    public static IReadOnlyList<ChatMessage> Messages(JsonNode? body)
    {
        if (body?["messages"] is not JsonArray array)
        {
            throw new FormatException("request has no 'messages' array");
        }

        var messages = new List<ChatMessage>();
        foreach (var node in array)
        {
            var role = node?["role"]?.GetValue<string>() ?? throw new FormatException("a message has no 'role'");
            messages.Add(new ChatMessage(role, Content(node?["content"])));
        }

        return messages;
    }

    /// <summary>The text of a <c>content</c> field: a string, or the <c>text</c> of each part of an array joined by newlines.</summary>
    /// <param name="content">The field.</param>
    /// <returns>The text.</returns>
    public static string Content(JsonNode? content) => content switch
    {
        JsonValue value when value.TryGetValue<string>(out var s) => s,
        JsonArray parts => string.Join("\n", parts.Select(p => p?["text"]?.GetValue<string>()).OfType<string>()),
        _ => string.Empty,
    };

    /// <summary>A complete (non-streamed) chat completion.</summary>
    /// <param name="id">The completion id.</param>
    /// <param name="model">The model.</param>
    /// <param name="content">The reply.</param>
    /// <param name="finishReason"><c>stop</c> or <c>content_filter</c>.</param>
    /// <returns>The JSON object.</returns>
    public static JsonObject Completion(string id, string model, string content, string finishReason = "stop") => new()
    {
        ["id"] = id,
        ["object"] = "chat.completion",
        ["created"] = Created(),
        ["model"] = model,
        ["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = content, ["refusal"] = null },
            ["logprobs"] = null,
            ["finish_reason"] = finishReason,
        }),
        ["usage"] = new JsonObject { ["prompt_tokens"] = 0, ["completion_tokens"] = Tokens(content), ["total_tokens"] = Tokens(content) },
    };

    /// <summary>One streamed chunk.</summary>
    /// <param name="id">The completion id.</param>
    /// <param name="model">The model.</param>
    /// <param name="delta">The delta object (<c>role</c> and/or <c>content</c>).</param>
    /// <param name="finishReason">The finish reason on the last chunk, else null.</param>
    /// <returns>The JSON object.</returns>
    public static JsonObject Chunk(string id, string model, JsonObject delta, string? finishReason = null) => new()
    {
        ["id"] = id,
        ["object"] = "chat.completion.chunk",
        ["created"] = Created(),
        ["model"] = model,
        ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["logprobs"] = null, ["finish_reason"] = finishReason }),
    };

    /// <summary>An OpenAI-style error body.</summary>
    /// <param name="message">The message.</param>
    /// <param name="type">The error type.</param>
    /// <param name="code">The error code, or null.</param>
    /// <returns>The JSON text.</returns>
    public static string Error(string message, string type, string? code = null) =>
        new JsonObject { ["error"] = new JsonObject { ["message"] = message, ["type"] = type, ["param"] = null, ["code"] = code } }.ToJsonString();

    /// <summary>An SSE event line pair for a payload.</summary>
    /// <param name="payload">The data.</param>
    /// <returns><c>data: …</c> and a blank line.</returns>
    public static string Event(string payload) => "data: " + payload + "\n\n";

    /// <summary>Parses a request body, or null when it is not JSON.</summary>
    /// <param name="body">The body.</param>
    /// <returns>The node, or null.</returns>
    public static JsonNode? TryParse(string body)
    {
        try
        {
            return JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static long Created() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    private static int Tokens(string text) => Math.Max(1, text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);

    /// <summary>A new completion id.</summary>
    /// <returns>E.g. <c>chatcmpl-…</c>.</returns>
    public static string NewId() => "chatcmpl-" + Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture)[..24];
}
