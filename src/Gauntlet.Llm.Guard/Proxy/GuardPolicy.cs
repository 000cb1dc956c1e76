using Gauntlet.Llm.Validation;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Gauntlet.Llm.Guard.Proxy;

/// <summary>What the guard does when a check fires.</summary>
public enum GuardAction
{
    /// <summary>Nothing: the check does not run.</summary>
    Off,

    /// <summary>Let it through, record the decision and add an <c>X-Gauntlet-Guard</c> header.</summary>
    Flag,

    /// <summary>Replace the offending spans with <c>[REDACTED:kind]</c> (output only).</summary>
    Redact,

    /// <summary>Stop it: the request is not forwarded, or the reply is replaced.</summary>
    Block,
}

/// <summary>A policy file that cannot be used; the message is one line naming the file and the problem.</summary>
public sealed class GuardPolicyException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public GuardPolicyException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public GuardPolicyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public GuardPolicyException()
        : base("invalid guard policy")
    {
    }
}

/// <summary>The guard's policy (docs/llm.md, "Guard policy"), read from YAML.</summary>
public sealed record GuardPolicy
{
    /// <summary>Input action: block, flag or off.</summary>
    public GuardAction InputAction { get; init; } = GuardAction.Block;

    /// <summary>Input scanner score at which a message is an injection.</summary>
    public double InputThreshold { get; init; } = 0.5;

    /// <summary>How a blocked request is answered: true for an HTTP 400 error, false for a refusal completion (finish reason <c>content_filter</c>).</summary>
    public bool InputRespondWithError { get; init; }

    /// <summary>Output action: redact, block, flag or off.</summary>
    public GuardAction OutputAction { get; init; } = GuardAction.Redact;

    /// <summary>The output rules.</summary>
    public OutputRules Output { get; init; } = new();

    /// <summary>Characters held back while streaming so that a secret split across chunks is caught before any of it leaves; int.MaxValue buffers the whole reply.</summary>
    public int StreamWindow { get; init; } = 256;

    /// <summary>Upstream timeout.</summary>
    public TimeSpan UpstreamTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Reads a policy file.</summary>
    /// <param name="path">The YAML file.</param>
    /// <returns>The policy.</returns>
    /// <exception cref="GuardPolicyException">Missing, unreadable or malformed; the message is one line.</exception>
    public static GuardPolicy Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new GuardPolicyException($"policy {path}: cannot read it: {ex.Message}", ex);
        }

        return Parse(text, path, Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".");
    }

    /// <summary>Parses policy YAML.</summary>
    /// <param name="yaml">The text.</param>
    /// <param name="name">The file name for messages.</param>
    /// <param name="baseDirectory">Where relative <c>*_file</c> paths start.</param>
    /// <returns>The policy.</returns>
    /// <exception cref="GuardPolicyException">Malformed; the message is one line.</exception>
    public static GuardPolicy Parse(string yaml, string name = "policy", string baseDirectory = ".")
    {
        ArgumentNullException.ThrowIfNull(yaml);
        PolicyFile file;
        try
        {
            var deserializer = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build();
            file = deserializer.Deserialize<PolicyFile?>(yaml) ?? new PolicyFile();
        }
        catch (YamlException ex)
        {
            var inner = ex.InnerException is { } i && i is not YamlException ? ": " + i.Message : string.Empty;
            throw new GuardPolicyException($"policy {name} line {ex.Start.Line}: {OneLine(ex.Message)}{OneLine(inner)}", ex);
        }

        try
        {
            var input = file.Input ?? new InputSection();
            var output = file.Output ?? new OutputSection();
            var stream = file.Stream ?? new StreamSection();
            var rules = new OutputRules
            {
                Canaries = output.Canaries ?? [],
                SystemPrompt = output.SystemPrompt ?? (output.SystemPromptFile is { } spf ? File.ReadAllText(Path.Combine(baseDirectory, spf)) : null),
                Pii = output.Pii,
                Secrets = output.Secrets,
                AllowedDomains = output.AllowedDomains,
                DenyPatterns = output.DenyPatterns ?? [],
                RequirePatterns = output.RequirePatterns ?? [],
                AllowedValues = output.AllowedValues ?? [],
                MaxLength = output.MaxLength,
                JsonSchema = output.JsonSchema ?? (output.JsonSchemaFile is { } jsf ? File.ReadAllText(Path.Combine(baseDirectory, jsf)) : null),
            };
            _ = new OutputValidator(rules); // compile now: a bad regex or schema is a policy error, not a failure per request
            var policy = new GuardPolicy
            {
                InputAction = Action("input.action", input.Action ?? "block", allowRedact: false),
                InputThreshold = input.Threshold is { } t && (!double.IsFinite(t) || t is < 0 or > 1) ? throw new ArgumentException($"input.threshold must be between 0 and 1, not {t}") : input.Threshold ?? 0.5,
                InputRespondWithError = (input.Respond ?? "refusal") switch
                {
                    "refusal" => false,
                    "error" => true,
                    var other => throw new ArgumentException($"input.respond must be refusal or error, not '{other}'"),
                },
                OutputAction = Action("output.action", output.Action ?? "redact", allowRedact: true),
                Output = rules,
                StreamWindow = (stream.Mode ?? "window") switch
                {
                    "window" => stream.WindowChars is { } w && w < 1 ? throw new ArgumentException($"stream.window_chars must be at least 1, not {w}") : stream.WindowChars ?? 256,
                    "buffer" => int.MaxValue,
                    var other => throw new ArgumentException($"stream.mode must be window or buffer, not '{other}'"),
                },
                UpstreamTimeout = file.UpstreamTimeoutSeconds is { } s ? (s is > 0 and <= 3600 ? TimeSpan.FromSeconds(s) : throw new ArgumentException($"upstream_timeout_seconds must be between 0 and 3600, not {s}")) : TimeSpan.FromSeconds(60),
            };
            return policy;
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or UnauthorizedAccessException)
        {
            throw new GuardPolicyException($"policy {name}: {OneLine(ex.Message)}", ex);
        }
    }

    private static GuardAction Action(string field, string value, bool allowRedact) => value switch
    {
        "off" => GuardAction.Off,
        "flag" => GuardAction.Flag,
        "block" => GuardAction.Block,
        "redact" when allowRedact => GuardAction.Redact,
        _ => throw new ArgumentException($"{field} must be {(allowRedact ? "block, redact, flag or off" : "block, flag or off")}, not '{value}'"),
    };

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private sealed class PolicyFile
    {
        public InputSection? Input { get; set; }

        public OutputSection? Output { get; set; }

        public StreamSection? Stream { get; set; }

        public double? UpstreamTimeoutSeconds { get; set; }
    }

    private sealed class InputSection
    {
        public string? Action { get; set; }

        public double? Threshold { get; set; }

        public string? Respond { get; set; }
    }

    private sealed class OutputSection
    {
        public string? Action { get; set; }

        public List<string>? Canaries { get; set; }

        public string? SystemPrompt { get; set; }

        public string? SystemPromptFile { get; set; }

        public bool Pii { get; set; }

        public bool Secrets { get; set; }

        public List<string>? AllowedDomains { get; set; }

        public List<string>? DenyPatterns { get; set; }

        public List<string>? RequirePatterns { get; set; }

        public List<string>? AllowedValues { get; set; }

        public int? MaxLength { get; set; }

        public string? JsonSchema { get; set; }

        public string? JsonSchemaFile { get; set; }
    }

    private sealed class StreamSection
    {
        public string? Mode { get; set; }

        public int? WindowChars { get; set; }
    }
}
