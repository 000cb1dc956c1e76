using System.Text.RegularExpressions;

namespace Gauntlet.Scanner.Code.Secrets;

/// <summary>A secret found on a line: the rule, where it starts, and its value masked.</summary>
/// <param name="RuleId">The <c>secret.*</c> rule.</param>
/// <param name="Severity">How bad it is.</param>
/// <param name="Column">1-based column of the secret on the line.</param>
/// <param name="Masked">The value masked (<see cref="SecretDetector.Mask"/>); the raw value is never kept.</param>
/// <param name="What">What kind of secret, for the message.</param>
internal sealed record SecretMatch(string RuleId, Severity Severity, int Column, string Masked, string What);

/// <summary>
/// Finds secrets in a line of text with provider-specific patterns (after gitleaks and
/// detect-secrets): AWS access key ids and secret keys, GCP service-account private keys, Azure
/// storage connection strings, GitHub, GitLab, Slack, Stripe, OpenAI and Hugging Face tokens,
/// PEM private key blocks, JWTs (the header must decode to JSON with <c>alg</c>), database URLs
/// with a password, and, where <c>highEntropy</c> is asked for, values assigned to secret-like keys
/// whose Shannon entropy passes detect-secrets' limits (4.5 bits per character over the base64
/// alphabet, 3.0 over hex). Matches that overlap an earlier, more specific one are dropped. Values
/// are masked before they leave this class.
/// </summary>
internal static partial class SecretDetector
{
    /// <summary>detect-secrets' default limit for base64-alphabet strings, bits per character.</summary>
    public const double Base64EntropyLimit = 4.5;

    /// <summary>detect-secrets' default limit for hex strings, bits per character.</summary>
    public const double HexEntropyLimit = 3.0;

    // Each pattern runs only on text holding one of its hints (ordinal, except where noted), so most lines cost a few IndexOf calls.
    private static readonly (string Rule, Severity Severity, string What, string[] Hints, Func<Regex> Pattern, Func<Match, bool>? Check)[] Patterns =
    [
        ("secret.gcp-service-account-key", Severity.Critical, "GCP service-account private key", ["private_key"], GcpKey, null),
        ("secret.private-key", Severity.Critical, "private key block", ["PRIVATE KEY"], PemKey, null),
        ("secret.azure-storage-key", Severity.Critical, "Azure storage account key", ["AccountKey="], AzureKey, null),
        ("secret.aws-secret-access-key", Severity.Critical, "AWS secret access key", ["secret", "SECRET", "Secret"], AwsSecret, null),
        ("secret.aws-access-key-id", Severity.High, "AWS access key id", ["AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA", "AROA", "ANPA", "ANVA", "AIPA"], AwsKeyId, null),
        ("secret.github-token", Severity.High, "GitHub token", ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"], GitHub, null),
        ("secret.gitlab-token", Severity.High, "GitLab token", ["glpat-"], GitLab, null),
        ("secret.slack-token", Severity.High, "Slack token or webhook", ["xox", "hooks.slack.com"], Slack, null),
        ("secret.stripe-key", Severity.High, "Stripe secret key", ["k_live_"], Stripe, null),
        ("secret.openai-key", Severity.High, "OpenAI API key", ["T3BlbkFJ"], OpenAi, null),
        ("secret.huggingface-token", Severity.High, "Hugging Face token", ["hf_"], HuggingFace, null),
        ("secret.jwt", Severity.Medium, "JSON Web Token", ["eyJ"], Jwt, IsJwt),
        ("secret.database-url-password", Severity.High, "database URL with a password", ["://"], DatabaseUrl, m => !IsPlaceholder(m.Groups["secret"].Value)),
    ];

    private static readonly string[] SecretKeywords = ["key", "secret", "token", "passw", "pwd", "credential"];

    /// <summary>The rule ids this detector reports.</summary>
    public static IReadOnlyList<string> RuleIds { get; } = [.. Patterns.Select(p => p.Rule).Append("secret.high-entropy")];

    /// <summary>Finds the secrets on <paramref name="line"/>.</summary>
    /// <param name="line">One line of text.</param>
    /// <param name="highEntropy">Also report high-entropy values assigned to secret-like keys (configs and text).</param>
    public static List<SecretMatch> Scan(string line, bool highEntropy) => Scan(line, highEntropy, null);

    /// <summary>
    /// Which patterns can match anywhere in <paramref name="text"/> (a whole file), and whether a
    /// secret keyword occurs for the entropy check: lines of a file are then scanned only for those.
    /// Null when nothing can match.
    /// </summary>
    public static bool[]? Candidates(string text)
    {
        bool[]? active = null;
        for (var i = 0; i < Patterns.Length; i++)
        {
            if (Patterns[i].Hints.Any(h => text.Contains(h, StringComparison.Ordinal)))
            {
                (active ??= new bool[Patterns.Length + 1])[i] = true;
            }
        }

        if (SecretKeywords.Any(k => text.Contains(k, StringComparison.OrdinalIgnoreCase)))
        {
            (active ??= new bool[Patterns.Length + 1])[Patterns.Length] = true;
        }

        return active;
    }

    /// <summary>Finds the secrets on <paramref name="line"/>, trying only the patterns <paramref name="active"/> allows (all when null).</summary>
    public static List<SecretMatch> Scan(string line, bool highEntropy, bool[]? active)
    {
        var found = new List<SecretMatch>();
        if (line.Length < 8)
        {
            return found;
        }

        var taken = new List<(int Start, int End)>();
        for (var i = 0; i < Patterns.Length; i++)
        {
            var (rule, severity, what, hints, pattern, check) = Patterns[i];
            if ((active is not null && !active[i]) || !hints.Any(h => line.Contains(h, StringComparison.Ordinal)))
            {
                continue;
            }

            foreach (Match match in pattern().Matches(line))
            {
                var secret = match.Groups["secret"].Success ? match.Groups["secret"] : (Group)match;
                if ((check is not null && !check(match)) || Overlaps(taken, match.Index, match.Index + match.Length))
                {
                    continue;
                }

                taken.Add((match.Index, match.Index + match.Length));
                found.Add(new SecretMatch(rule, severity, secret.Index + 1, Mask(secret.Value), what));
            }
        }

        if (highEntropy && line.Length >= 20 && (active is null || active[Patterns.Length]) && SecretKeywords.Any(k => line.Contains(k, StringComparison.OrdinalIgnoreCase)))
        {
            foreach (Match match in KeywordValue().Matches(line))
            {
                var value = match.Groups["value"];
                if (Overlaps(taken, value.Index, value.Index + value.Length) || IsPlaceholder(value.Value) || !IsHighEntropy(value.Value))
                {
                    continue;
                }

                taken.Add((value.Index, value.Index + value.Length));
                found.Add(new SecretMatch("secret.high-entropy", Severity.Medium, value.Index + 1, Mask(value.Value), $"high-entropy value for '{match.Groups["key"].Value}'"));
            }
        }

        return found;
    }

    /// <summary>Whether <paramref name="text"/> holds a provider-specific secret (the code rules leave such values to the secret rules).</summary>
    public static bool HasProviderSecret(string text) => text.Length >= 8 && Scan(text, highEntropy: false).Count > 0;

    /// <summary>The value masked: its first four characters and <c>****</c>.</summary>
    public static string Mask(string value) => (value.Length <= 4 ? string.Empty : value[..4]) + "****";

    /// <summary>Shannon entropy of <paramref name="text"/> in bits per character.</summary>
    public static double Entropy(string text)
    {
        if (text.Length == 0)
        {
            return 0;
        }

        Span<int> counts = stackalloc int[128];
        var other = 0;
        foreach (var c in text)
        {
            if (c < 128)
            {
                counts[c]++;
            }
            else
            {
                other++;
            }
        }

        var entropy = 0.0;
        foreach (var n in counts)
        {
            if (n > 0)
            {
                var p = (double)n / text.Length;
                entropy -= p * Math.Log2(p);
            }
        }

        if (other > 0)
        {
            var p = (double)other / text.Length;
            entropy -= p * Math.Log2(p);
        }

        return entropy;
    }

    /// <summary>detect-secrets' test: hex strings over 3.0 bits per character, other base64-alphabet strings over 4.5; at least 20 characters either way, and not all letters.</summary>
    public static bool IsHighEntropy(string value)
    {
        if (value.Length < 20 || value.All(char.IsAsciiLetter))
        {
            return false;
        }

        var hex = value.All(char.IsAsciiHexDigit);
        return Entropy(value) > (hex ? HexEntropyLimit : Base64EntropyLimit);
    }

    /// <summary>Values that stand for a secret rather than being one: templates, variables, masks.</summary>
    public static bool IsPlaceholder(string value)
    {
        var v = value.Trim();
        return v.Length == 0 || v.StartsWith('$') || v.StartsWith('<') || v.StartsWith('{') || v.StartsWith("%(", StringComparison.Ordinal)
            || v.Contains("{{", StringComparison.Ordinal) || v.Contains("${", StringComparison.Ordinal) || v.All(c => c == v[0])
            || v.Contains("****", StringComparison.Ordinal) || v.Contains("xxxx", StringComparison.OrdinalIgnoreCase)
            || v.StartsWith("your", StringComparison.OrdinalIgnoreCase) || v.Equals("password", StringComparison.OrdinalIgnoreCase)
            || (v.StartsWith('[') && v.EndsWith(']'));
    }

    private static bool Overlaps(List<(int Start, int End)> taken, int start, int end) => taken.Any(t => start < t.End && t.Start < end);

    private static bool IsJwt(Match match)
    {
        try
        {
            var header = match.Groups["header"].Value.Replace('-', '+').Replace('_', '/');
            header = header.PadRight(header.Length + ((4 - (header.Length % 4)) % 4), '=');
            var json = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(header));
            using var document = System.Text.Json.JsonDocument.Parse(json);
            return document.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object && document.RootElement.TryGetProperty("alg", out _);
        }
        catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException or ArgumentException)
        {
            return false;
        }
    }

    [GeneratedRegex("""["']?private_key["']?\s*[:=]\s*["'](?<secret>-----BEGIN (?:RSA )?PRIVATE KEY-----[^"']*)""")]
    private static partial Regex GcpKey();

    [GeneratedRegex("""(?<secret>-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----)""")]
    private static partial Regex PemKey();

    [GeneratedRegex("""AccountKey=(?<secret>[A-Za-z0-9+/]{86}==)""")]
    private static partial Regex AzureKey();

    [GeneratedRegex("""(?i)aws_?secret_?(?:access_?)?key["']?\s*[:=]\s*["']?(?<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])""")]
    private static partial Regex AwsSecret();

    [GeneratedRegex("""(?<![A-Z0-9])(?<secret>(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z2-7]{16})(?![A-Z0-9])""")]
    private static partial Regex AwsKeyId();

    [GeneratedRegex("""(?<![A-Za-z0-9_])(?<secret>(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{82})(?![A-Za-z0-9_])""")]
    private static partial Regex GitHub();

    [GeneratedRegex("""(?<![A-Za-z0-9_])(?<secret>glpat-[A-Za-z0-9_\-]{20})(?![A-Za-z0-9_\-])""")]
    private static partial Regex GitLab();

    [GeneratedRegex("""(?<secret>(?<![A-Za-z0-9])xox[baprs]-[0-9]{6,}-[A-Za-z0-9-]{10,}|https://hooks\.slack\.com/services/T[A-Z0-9]{6,}/B[A-Z0-9]{6,}/[A-Za-z0-9]{16,})""")]
    private static partial Regex Slack();

    [GeneratedRegex("""(?<![A-Za-z0-9_])(?<secret>[sr]k_live_[A-Za-z0-9]{24,99})(?![A-Za-z0-9])""")]
    private static partial Regex Stripe();

    [GeneratedRegex("""(?<![A-Za-z0-9_\-])(?<secret>sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,}T3BlbkFJ[A-Za-z0-9_\-]{20,})(?![A-Za-z0-9_\-])""")]
    private static partial Regex OpenAi();

    [GeneratedRegex("""(?<![A-Za-z0-9_])(?<secret>hf_[A-Za-z]{34})(?![A-Za-z0-9_])""")]
    private static partial Regex HuggingFace();

    [GeneratedRegex("""(?<![A-Za-z0-9_\-])(?<secret>(?<header>eyJ[A-Za-z0-9_\-]{8,})\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{16,})""")]
    private static partial Regex Jwt();

    [GeneratedRegex("""(?i)(?<![A-Za-z])(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|redis|rediss|amqps?|mssql|sqlserver|oracle|clickhouse)(?:\+[a-z0-9]+)?://[^:/\s@'"]+:(?<secret>[^@\s/'"]+)@[^\s'"/]+""")]
    private static partial Regex DatabaseUrl();

    [GeneratedRegex("""(?i)(?<![A-Za-z0-9_.\-])(?<key>[A-Za-z0-9_.\-]{0,64}(?:key|secret|token|passw(?:or)?d|pwd|credentials?))["']?\s*[:=]\s*["']?(?<value>[A-Za-z0-9+/=_\-.~]{20,})""")]
    private static partial Regex KeywordValue();
}
