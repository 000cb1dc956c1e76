using Gauntlet.Llm.Validation;

namespace Gauntlet.Llm.Guard.Proxy;

/// <summary>
/// Output checks on a streamed reply. The assembled text is re-checked after every chunk; only the
/// part that lies more than a hold-back window behind the end (and not inside a match) is released,
/// redacted. A secret shorter than the window is therefore whole in the assembled text before any of
/// it is released, so no prefix of it leaks. At the end of the stream everything left is released,
/// and the whole-reply rules (schema, allowlist, max length) are judged then (they can only flag).
/// </summary>
/// <param name="validator">The output rules.</param>
/// <param name="window">The hold-back window in characters; int.MaxValue buffers the whole reply.</param>
/// <param name="block">True to stop the stream at the first violation instead of redacting.</param>
public sealed class StreamRedactor(OutputValidator validator, int window, bool block)
{
    /// <summary>The text that replaces the rest of a blocked stream.</summary>
    public const string BlockedNotice = "[blocked by gauntlet guard: the reply broke the output policy]";

    private readonly System.Text.StringBuilder _raw = new();
    private int _released;

    /// <summary>The assembled reply so far, unredacted.</summary>
    public string Assembled => _raw.ToString();

    /// <summary>Spans redacted so far.</summary>
    public int Redactions { get; private set; }

    /// <summary>Whether the stream was stopped (block mode).</summary>
    public bool Blocked { get; private set; }

    /// <summary>Adds a chunk and returns the text that may be released now (possibly empty).</summary>
    /// <param name="delta">The chunk's content.</param>
    /// <returns>Text to send.</returns>
    public string Push(string delta)
    {
        ArgumentNullException.ThrowIfNull(delta);
        if (Blocked)
        {
            return string.Empty;
        }

        _raw.Append(delta);
        return Release(final: false);
    }

    /// <summary>Releases everything still held back (end of stream).</summary>
    /// <returns>Text to send.</returns>
    public string Flush() => Blocked ? string.Empty : Release(final: true);

    private string Release(bool final)
    {
        var text = _raw.ToString();
        var spans = validator.RedactableSpans(text);
        var boundary = final ? text.Length : (int)Math.Max(_released, (long)text.Length - window);
        foreach (var span in spans)
        {
            if (span.Start < boundary && span.End > boundary)
            {
                boundary = Math.Max(_released, span.Start);
            }
        }

        if (boundary <= _released)
        {
            return string.Empty;
        }

        var inside = spans.Where(s => s.Start >= _released && s.End <= boundary).Select(s => s with { Start = s.Start - _released }).ToList();
        var piece = text[_released..boundary];
        _released = boundary;
        if (inside.Count == 0)
        {
            return piece;
        }

        if (block)
        {
            Blocked = true;
            return BlockedNotice;
        }

        Redactions += inside.Count;
        return OutputValidator.Redact(piece, inside);
    }
}
