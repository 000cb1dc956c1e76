using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gauntlet.Llm.Targets;

/// <summary>
/// An OpenAI-compatible chat-completions endpoint (OpenAI, vLLM, llama.cpp, Ollama, LiteLLM, the
/// guard, the practice target): <c>POST {base}/chat/completions</c> with <c>model</c>,
/// <c>messages</c>, <c>temperature</c> 0 and optionally <c>stream</c>, in which case the
/// server-sent events are parsed and the <c>delta.content</c> pieces joined.
/// </summary>
public sealed class OpenAiChatTarget : HttpTarget
{
    private readonly Uri _endpoint;
    private readonly string? _apiKey;

    /// <summary>Creates the target.</summary>
    /// <param name="baseUrl">The API base, e.g. <c>http://127.0.0.1:8080/v1</c> (a URL already ending in <c>/chat/completions</c> is used as is).</param>
    /// <param name="model">The model name sent.</param>
    /// <param name="apiKey">The bearer token, or null for none.</param>
    /// <param name="stream">Whether to ask for a streamed (SSE) reply.</param>
    /// <param name="options">Limits and retries.</param>
    /// <param name="handler">The HTTP handler, or null.</param>
    /// <param name="log">The run log, or null.</param>
    /// <exception cref="ArgumentException">The URL is not an absolute http(s) URL, or the model is empty.</exception>
    public OpenAiChatTarget(string baseUrl, string model, string? apiKey = null, bool stream = false, TargetOptions? options = null, HttpMessageHandler? handler = null, RunLog? log = null)
        : base(options ?? new TargetOptions(), handler, log)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        _endpoint = Endpoint(baseUrl);
        Model = model;
        _apiKey = apiKey;
        Stream = stream;
    }

    /// <summary>The model name.</summary>
    public string Model { get; }

    /// <summary>Whether replies are streamed.</summary>
    public bool Stream { get; }

    /// <inheritdoc />
    public override string Name => $"{_endpoint} ({Model}{(Stream ? ", stream" : string.Empty)})";

    /// <summary>The chat-completions URL for a base URL.</summary>
    /// <param name="baseUrl">The base.</param>
    /// <returns>The endpoint.</returns>
    /// <exception cref="ArgumentException">Not an absolute http(s) URL.</exception>
    public static Uri Endpoint(string baseUrl)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"'{baseUrl}' is not an http:// or https:// URL", nameof(baseUrl));
        }

        var path = uri.AbsolutePath.TrimEnd('/');
        return path.EndsWith("/chat/completions", StringComparison.Ordinal)
            ? uri
            : new UriBuilder(uri) { Path = path + "/chat/completions" }.Uri;
    }

    /// <summary>The request body for a conversation.</summary>
    /// <param name="model">The model.</param>
    /// <param name="messages">The conversation.</param>
    /// <param name="stream">Whether to stream.</param>
    /// <returns>The JSON text.</returns>
    public static string RequestBody(string model, IReadOnlyList<ChatMessage> messages, bool stream)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var body = new JsonObject
        {
            ["model"] = model,
            ["messages"] = new JsonArray([.. messages.Select(m => (JsonNode)new JsonObject { ["role"] = m.Role, ["content"] = m.Content })]),
            ["temperature"] = 0,
        };
        if (stream)
        {
            body["stream"] = true;
        }

        return body.ToJsonString();
    }

    /// <summary>Reads the reply out of a chat-completions body: <c>choices[0].message.content</c>, or the joined <c>choices[0].delta.content</c> of an SSE stream.</summary>
    /// <param name="body">The body.</param>
    /// <param name="mediaType">The media type, or null.</param>
    /// <returns>The text, or the error.</returns>
    public static (string? Text, string? Error) ParseCompletion(string body, string? mediaType)
    {
        ArgumentNullException.ThrowIfNull(body);
        var trimmed = body.TrimStart();
        if (mediaType == "text/event-stream" || trimmed.StartsWith("data:", StringComparison.Ordinal))
        {
            return ParseStream(body);
        }

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return (null, $"reply is not JSON ({mediaType ?? "no content type"}): {HttpTarget.Snippet(body)}");
        }

        var choice = root?["choices"] is JsonArray { Count: > 0 } choices ? choices[0] : null;
        var content = choice?["message"]?["content"];
        if (content is JsonValue value && value.TryGetValue<string>(out var text))
        {
            return (text, null);
        }

        if (choice?["message"] is JsonObject message && message.ContainsKey("content") && content is null)
        {
            return (string.Empty, null); // content: null (a tool call or a refusal field) is an empty reply
        }

        return (null, "reply JSON has no choices[0].message.content: " + HttpTarget.Snippet(body));
    }

    /// <inheritdoc />
    protected override (HttpRequestMessage Request, string Body) BuildRequest(IReadOnlyList<ChatMessage> messages)
    {
        var body = RequestBody(Model, messages, Stream);
        var request = new HttpRequestMessage(HttpMethod.Post, _endpoint) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (!string.IsNullOrEmpty(_apiKey))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _apiKey);
        }

        return (request, body);
    }

    /// <inheritdoc />
    protected override (string? Text, string? Error) ParseReply(string body, string? mediaType) => ParseCompletion(body, mediaType);

    private static (string? Text, string? Error) ParseStream(string body)
    {
        var text = new StringBuilder();
        var done = false;
        foreach (var payload in ServerSentEvents.DataPayloads(body))
        {
            if (payload.Trim() == "[DONE]")
            {
                done = true;
                break;
            }

            JsonNode? chunk;
            try
            {
                chunk = JsonNode.Parse(payload);
            }
            catch (JsonException)
            {
                return (null, "stream event is not JSON: " + HttpTarget.Snippet(payload));
            }

            if (chunk?["error"] is JsonNode error)
            {
                return (null, "stream carried an error: " + HttpTarget.Snippet(error.ToJsonString()));
            }

            if (chunk?["choices"] is JsonArray { Count: > 0 } choices && choices[0]?["delta"]?["content"] is JsonValue piece && piece.TryGetValue<string>(out var s))
            {
                text.Append(s);
            }
        }

        return done ? (text.ToString(), null) : (null, "stream ended without data: [DONE]");
    }
}
