using System.Text.RegularExpressions;

namespace Gauntlet.Llm.Detectors;

/// <summary>
/// Personal data and secrets in text, by pattern: e-mail addresses, phone numbers, payment card
/// numbers (Luhn-checked), US social security numbers, IBANs, and API keys and tokens (OpenAI,
/// AWS, GitHub, Slack, Google, JWT, private-key blocks, <c>password=</c> assignments).
/// </summary>
public static partial class SensitiveData
{
    private static readonly (string Kind, bool Secret, Regex Pattern)[] Patterns =
    [
        ("private-key", true, PrivateKey()),
        ("openai-key", true, OpenAiKey()),
        ("aws-access-key", true, AwsKey()),
        ("github-token", true, GitHubToken()),
        ("slack-token", true, SlackToken()),
        ("google-api-key", true, GoogleKey()),
        ("jwt", true, Jwt()),
        ("password-assignment", true, PasswordAssignment()),
        ("email", false, Email()),
        ("credit-card", false, CreditCard()),
        ("us-ssn", false, Ssn()),
        ("iban", false, Iban()),
        ("phone", false, Phone()),
    ];

    /// <summary>Every match, ordered by position; overlapping matches keep the first (secrets before PII).</summary>
    /// <param name="text">The text.</param>
    /// <param name="pii">Whether to look for personal data.</param>
    /// <param name="secrets">Whether to look for secrets.</param>
    /// <returns>The matches.</returns>
    public static IReadOnlyList<TextMatch> Find(string text, bool pii = true, bool secrets = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        var found = new List<TextMatch>();
        foreach (var (kind, secret, pattern) in Patterns)
        {
            if (secret ? !secrets : !pii)
            {
                continue;
            }

            foreach (Match m in pattern.Matches(text))
            {
                if (kind == "credit-card" && !Luhn(m.Value))
                {
                    continue;
                }

                if (!found.Any(f => m.Index < f.End && f.Start < m.Index + m.Length))
                {
                    found.Add(new TextMatch(kind, m.Index, m.Length, m.Value));
                }
            }
        }

        return [.. found.OrderBy(f => f.Start)];
    }

    /// <summary>Whether a kind from <see cref="Find"/> is a secret (key, token, password) rather than personal data.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>True for a secret.</returns>
    public static bool IsSecret(string kind) => Patterns.Any(p => p.Kind == kind && p.Secret);

    private static bool Luhn(string number)
    {
        var digits = number.Where(char.IsAsciiDigit).Select(c => c - '0').ToArray();
        if (digits.Length is < 13 or > 19)
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i];
            if (i % 2 == 1)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
        }

        return sum % 10 == 0;
    }

    [GeneratedRegex(@"-----BEGIN (?:RSA |EC |OPENSSH |DSA )?PRIVATE KEY-----[\s\S]*?(?:-----END (?:RSA |EC |OPENSSH |DSA )?PRIVATE KEY-----|$)")]
    private static partial Regex PrivateKey();

    [GeneratedRegex(@"\bsk-(?:proj-)?[A-Za-z0-9_\-]{20,}")]
    private static partial Regex OpenAiKey();

    [GeneratedRegex(@"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")]
    private static partial Regex AwsKey();

    [GeneratedRegex(@"\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}\b|\bgithub_pat_[A-Za-z0-9_]{22,}")]
    private static partial Regex GitHubToken();

    [GeneratedRegex(@"\bxox[abprs]-[A-Za-z0-9\-]{10,}")]
    private static partial Regex SlackToken();

    [GeneratedRegex(@"\bAIza[0-9A-Za-z_\-]{35}\b")]
    private static partial Regex GoogleKey();

    [GeneratedRegex(@"\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}")]
    private static partial Regex Jwt();

    [GeneratedRegex(@"(?i)\b(?:password|passwd|pwd|secret|api[_-]?key)\s*[:=]\s*['""]?[^\s'""]{6,}")]
    private static partial Regex PasswordAssignment();

    [GeneratedRegex(@"\b[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}\b")]
    private static partial Regex Email();

    [GeneratedRegex(@"\b(?:\d[ \-]?){12,18}\d\b")]
    private static partial Regex CreditCard();

    [GeneratedRegex(@"\b(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}\b")]
    private static partial Regex Ssn();

    [GeneratedRegex(@"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,3})?\b")]
    private static partial Regex Iban();

    [GeneratedRegex(@"(?<![\w+])(?<!\d[ .\-]?)\+?\d{1,3}[ .\-]?\(?\d{2,4}\)?[ .\-]\d{3,4}[ .\-]\d{3,4}\b(?![ .\-]?\d)")]
    private static partial Regex Phone();
}
