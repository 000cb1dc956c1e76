using System.Text;
using System.Text.RegularExpressions;

namespace Gauntlet.Scanner;

/// <summary>
/// A file glob for <c>--include</c> / <c>--exclude</c>: <c>*</c> matches within a path segment,
/// <c>**</c> across segments, <c>?</c> one character. A pattern without a slash matches the file
/// name anywhere in the tree; one with a slash matches the path relative to the scanned folder.
/// </summary>
public sealed class GlobPattern
{
    private readonly Regex regex;
    private readonly bool matchName;

    /// <summary>Compiles <paramref name="pattern"/>.</summary>
    /// <exception cref="ArgumentException">The pattern is empty.</exception>
    public GlobPattern(string pattern)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        Pattern = pattern;
        var normalised = pattern.Replace('\\', '/').TrimStart('/');
        matchName = !normalised.Contains('/', StringComparison.Ordinal);
        var builder = new StringBuilder("^");
        for (var i = 0; i < normalised.Length; i++)
        {
            var c = normalised[i];
            if (c == '*' && i + 1 < normalised.Length && normalised[i + 1] == '*')
            {
                var slash = i + 2 < normalised.Length && normalised[i + 2] == '/';
                builder.Append(slash ? "(?:.*/)?" : ".*");
                i += slash ? 2 : 1;
            }
            else
            {
                builder.Append(c switch
                {
                    '*' => "[^/]*",
                    '?' => "[^/]",
                    _ => Regex.Escape(c.ToString()),
                });
            }
        }

        regex = new Regex(builder.Append('$').ToString(), RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1));
    }

    /// <summary>The pattern as given.</summary>
    public string Pattern { get; }

    /// <summary>Whether <paramref name="relativePath"/> (forward slashes) matches.</summary>
    public bool IsMatch(string relativePath)
    {
        var path = relativePath.Replace('\\', '/');
        return regex.IsMatch(matchName ? path[(path.LastIndexOf('/') + 1)..] : path);
    }
}
