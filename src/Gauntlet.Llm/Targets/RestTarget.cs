using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gauntlet.Llm.Targets;

/// <summary>
/// Any JSON-over-HTTP endpoint: the request body is a template in which <c>{{prompt}}</c> is replaced
/// by the prompt (JSON-escaped, so the template writes the quotes: <c>{"input": "{{prompt}}"}</c>), and
/// the reply is found by a JSON path (<see cref="JsonPathLite"/>). The prompt is the conversation's
/// messages joined by blank lines (a REST endpoint has no roles).
/// </summary>
public sealed class RestTarget : HttpTarget
{
    /// <summary>The placeholder replaced by the prompt.</summary>
    public const string Placeholder = "{{prompt}}";

    private readonly Uri _url;
    private readonly string _template;
    private readonly JsonPathLite _replyPath;
    private readonly IReadOnlyDictionary<string, string> _headers;

    /// <summary>Creates the target.</summary>
    /// <param name="url">The endpoint (POST).</param>
    /// <param name="requestTemplate">The body template, with <see cref="Placeholder"/>.</param>
    /// <param name="replyPath">Where the reply is in the response JSON.</param>
    /// <param name="headers">Extra headers (e.g. an API key header), or null.</param>
    /// <param name="options">Limits and retries.</param>
    /// <param name="handler">The HTTP handler, or null.</param>
    /// <param name="log">The run log, or null.</param>
    /// <exception cref="ArgumentException">The URL is not http(s), or the template lacks the placeholder.</exception>
    /// <exception cref="FormatException">The reply path is malformed.</exception>
    public RestTarget(string url, string requestTemplate, string replyPath, IReadOnlyDictionary<string, string>? headers = null, TargetOptions? options = null, HttpMessageHandler? handler = null, RunLog? log = null)
        : base(options ?? new TargetOptions(), handler, log)
    {
        ArgumentNullException.ThrowIfNull(requestTemplate);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"'{url}' is not an http:// or https:// URL", nameof(url));
        }

        if (!requestTemplate.Contains(Placeholder, StringComparison.Ordinal))
        {
            throw new ArgumentException($"the request template has no {Placeholder} placeholder", nameof(requestTemplate));
        }

        _url = uri;
        _template = requestTemplate;
        _replyPath = new JsonPathLite(replyPath);
        _headers = headers ?? new Dictionary<string, string>();
    }

    /// <inheritdoc />
    public override string Name => $"{_url} (rest {_replyPath.Text})";

    /// <summary>The body for a prompt: the template with the JSON-escaped prompt in place of <see cref="Placeholder"/>.</summary>
    /// <param name="template">The template.</param>
    /// <param name="prompt">The prompt.</param>
    /// <returns>The body.</returns>
    public static string Fill(string template, string prompt)
    {
        ArgumentNullException.ThrowIfNull(template);
        var escaped = JsonSerializer.Serialize(prompt)[1..^1];
        return template.Replace(Placeholder, escaped, StringComparison.Ordinal);
    }

    /// <inheritdoc />
    protected override (HttpRequestMessage Request, string Body) BuildRequest(IReadOnlyList<ChatMessage> messages)
    {
        var body = Fill(_template, string.Join("\n\n", messages.Select(m => m.Content)));
        var request = new HttpRequestMessage(HttpMethod.Post, _url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in _headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return (request, body);
    }

    /// <inheritdoc />
    protected override (string? Text, string? Error) ParseReply(string body, string? mediaType)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return (null, $"reply is not JSON ({mediaType ?? "no content type"}): {Snippet(body)}");
        }

        return _replyPath.Select(root) switch
        {
            JsonValue value when value.TryGetValue<string>(out var text) => (text, null),
            null => (null, $"reply JSON has nothing at {_replyPath.Text}: {Snippet(body)}"),
            var other => (other.ToJsonString(), null),
        };
    }
}
