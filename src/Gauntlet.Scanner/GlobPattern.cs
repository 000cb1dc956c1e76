using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Gauntlet.Scanner;

/// <summary>
/// A file glob for <c>--include</c> / <c>--exclude</c>: <c>*</c> matches within a path segment,
/// <c>**</c> across segments, <c>?</c> one character, <c>[abc]</c> / <c>[a-z]</c> / <c>[!abc]</c>
/// one character of (or not of) a set, and <c>{pt,pkl}</c> one of several alternatives (which may
/// nest). A pattern without a slash matches the file name anywhere in the tree; one with a slash
/// matches the path relative to the scanned folder. Matching ignores case.
/// </summary>
/// <remarks>
/// Patterns compile to a <see cref="RegexOptions.NonBacktracking"/> regular expression, so matching
/// takes time linear in the path's length whatever the pattern (<c>**/**/**/…a</c> included).
/// There is no escape character (a backslash is a path separator): a literal <c>[</c>, <c>{</c> or
/// <c>}</c> is written as a one-character set, <c>[[]</c>, <c>[{]</c>, <c>[}]</c>.
/// </remarks>
public sealed class GlobPattern
{
    /// <summary>Longest pattern accepted, in characters; longer ones are refused rather than compiled.</summary>
    public const int MaxLength = 1024;

    private readonly Regex regex;
    private readonly bool matchName;

    /// <summary>Compiles <paramref name="pattern"/>.</summary>
    /// <exception cref="ArgumentException">The pattern is null, empty or white space.</exception>
    /// <exception cref="FormatException">The pattern is invalid: an unclosed <c>[</c>, an unbalanced <c>{</c> or <c>}</c>, a reversed range such as <c>[z-a]</c>, or longer than <see cref="MaxLength"/>. The message names the pattern and the problem on one line.</exception>
    public GlobPattern(string pattern)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        Pattern = pattern;
        if (pattern.Length > MaxLength)
        {
            throw Invalid(pattern, $"longer than {MaxLength} characters");
        }

        var normalised = CollapseGlobstars(pattern.Replace('\\', '/').TrimStart('/'));
        matchName = !normalised.Contains('/', StringComparison.Ordinal);
        var builder = new StringBuilder("^");
        var position = 0;
        Translate(normalised, ref position, builder, insideBraces: false, pattern);
        try
        {
            // Linear-time matching: a hostile pattern can cost at most the path's length per match.
            regex = new Regex(builder.Append('$').ToString(), RegexOptions.CultureInvariant | RegexOptions.IgnoreCase | RegexOptions.NonBacktracking);
        }
        catch (ArgumentException ex)
        {
            throw Invalid(pattern, ex.Message.ReplaceLineEndings(" "));
        }
    }

    /// <summary>The pattern as given.</summary>
    public string Pattern { get; }

    /// <summary>Whether <paramref name="relativePath"/> (forward slashes) matches.</summary>
    public bool IsMatch(string relativePath)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        var path = relativePath.Replace('\\', '/');
        return regex.IsMatch(matchName ? path[(path.LastIndexOf('/') + 1)..] : path);
    }

    /// <summary><c>**/**/</c> means what <c>**/</c> means; collapsing keeps the compiled pattern small.</summary>
    private static string CollapseGlobstars(string pattern)
    {
        var previous = string.Empty;
        while (previous != pattern)
        {
            previous = pattern;
            pattern = pattern.Replace("**/**/", "**/", StringComparison.Ordinal).Replace("***", "**", StringComparison.Ordinal);
        }

        return pattern;
    }

    /// <summary>Translates glob text from <paramref name="i"/> up to the end, or (inside braces) up to the <c>,</c> or <c>}</c> that ends the alternative.</summary>
    private static void Translate(string glob, ref int i, StringBuilder regex, bool insideBraces, string original)
    {
        for (; i < glob.Length; i++)
        {
            var c = glob[i];
            if (insideBraces && c is ',' or '}')
            {
                return;
            }

            switch (c)
            {
                case '*' when i + 1 < glob.Length && glob[i + 1] == '*':
                    var slash = i + 2 < glob.Length && glob[i + 2] == '/';
                    regex.Append(slash ? "(?:.*/)?" : ".*");
                    i += slash ? 2 : 1;
                    break;
                case '*':
                    regex.Append("[^/]*");
                    break;
                case '?':
                    regex.Append("[^/]");
                    break;
                case '[':
                    TranslateSet(glob, ref i, regex, original);
                    break;
                case '{':
                    TranslateAlternatives(glob, ref i, regex, original);
                    break;
                case '}':
                    throw Invalid(original, $"unbalanced '}}' at position {i + 1}");
                default:
                    regex.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }
    }

    private static void TranslateAlternatives(string glob, ref int i, StringBuilder regex, string original)
    {
        var open = i;
        regex.Append("(?:");
        i++;
        while (true)
        {
            Translate(glob, ref i, regex, insideBraces: true, original);
            if (i >= glob.Length)
            {
                throw Invalid(original, $"unbalanced '{{' at position {open + 1}");
            }

            if (glob[i] == '}')
            {
                regex.Append(')');
                return;
            }

            regex.Append('|');
            i++;
        }
    }

    /// <summary>A set such as <c>[a-z]</c> or <c>[!.]</c>; it never matches <c>/</c>, so a set stays within one path segment.</summary>
    private static void TranslateSet(string glob, ref int i, StringBuilder regex, string original)
    {
        var open = i;
        i++;
        var negated = i < glob.Length && glob[i] is '!' or '^';
        if (negated)
        {
            i++;
        }

        regex.Append(negated ? "[^/" : "[");
        var first = true;
        for (; i < glob.Length; i++)
        {
            var c = glob[i];
            if (c == ']' && !first)
            {
                // Subtracting '/' keeps a set like [!a] or [+-0] from crossing a segment.
                regex.Append(negated ? "]" : "-[/]]");
                return;
            }

            first = false;
            if (i + 2 < glob.Length && glob[i + 1] == '-' && glob[i + 2] != ']')
            {
                var last = glob[i + 2];
                if (last < c)
                {
                    throw Invalid(original, $"reversed range '{c}-{last}' at position {i + 1}");
                }

                regex.Append(Code(c)).Append('-').Append(Code(last));
                i += 2;
            }
            else
            {
                regex.Append(Code(c));
            }
        }

        throw Invalid(original, $"unclosed '[' at position {open + 1}");
    }

    private static string Code(char c) => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture);

    private static FormatException Invalid(string pattern, string problem) => new($"invalid glob '{pattern}': {problem}");
}
