using System.Buffers.Text;
using System.Text.RegularExpressions;
using Gauntlet.Scanner.Containers;
using Gauntlet.Scanner.Pickle;

namespace Gauntlet.Scanner.Formats;

/// <summary>
/// Pickles (and PyTorch zips, which carry one) hidden inside other values: bytes or a hex or
/// base64 string inside a pickle, a Keras config value, a zip member, safetensors
/// <c>__metadata__</c>. Whatever reads such a value back and unpickles it runs the inner
/// pickle's calls, so the inner bytes are scanned like a file of their own (up to
/// <see cref="MaxDepth"/> levels) and their findings are reported at their own severity. Also
/// spots Python source in metadata strings.
/// </summary>
internal static partial class EmbeddedPayloads
{
    /// <summary>Most embedded levels followed; a payload inside a payload inside ... is itself a finding past this.</summary>
    public const int MaxDepth = 4;

    /// <summary>Largest embedded payload decoded and scanned (bytes after decoding).</summary>
    public const int MaxBytes = 16 << 20;

    /// <summary>Shortest value worth looking at: the smallest call pickle is longer.</summary>
    public const int MinBytes = 12;

    /// <summary>Whether <paramref name="head"/> starts like a binary pickle (PROTO 2-5) or a zip (a PyTorch checkpoint).</summary>
    public static bool StartsLikePayload(ReadOnlySpan<byte> head) =>
        (head.Length >= 2 && head[0] == (byte)PickleOpcode.Proto && head[1] is >= 2 and <= 5) || TolerantZipReader.LooksLikeZip(head);

    /// <summary>
    /// The bytes a string holds when it is the hex or base64 spelling of a pickle or zip; null
    /// otherwise. Only the first characters are looked at before anything is decoded.
    /// </summary>
    public static byte[]? DecodeText(string text)
    {
        var trimmed = text.AsSpan().Trim();
        if (trimmed.Length < MinBytes * 4 / 3 || trimmed.Length > MaxBytes * 2)
        {
            return null;
        }

        // Hex: "8002".."8005" for a pickle, "504b0304" for a zip.
        if (trimmed.Length % 2 == 0 && (trimmed.StartsWith("80", StringComparison.Ordinal) || trimmed.StartsWith("504b", StringComparison.OrdinalIgnoreCase)))
        {
            try
            {
                var bytes = Convert.FromHexString(trimmed);
                return StartsLikePayload(bytes) ? bytes : null;
            }
            catch (FormatException)
            {
                // Not hex after all; try base64.
            }
        }

        // Base64 of 80 02..80 05 starts "gAI", "gAM", "gAS", "gAU"; of "PK\x03\x04", "UEsDB".
        if (trimmed.StartsWith("gA", StringComparison.Ordinal) || trimmed.StartsWith("UEsDB", StringComparison.Ordinal))
        {
            var buffer = new byte[Base64.GetMaxDecodedFromUtf8Length(trimmed.Length)];
            if (Convert.TryFromBase64Chars(trimmed, buffer, out var written) && StartsLikePayload(buffer.AsSpan(0, written)))
            {
                return buffer[..written];
            }
        }

        return null;
    }

    /// <summary>
    /// Scans <paramref name="payload"/> as an artifact of its own when it is a well-formed pickle
    /// or a zip, reporting that it was found (<c>embedded.payload</c>) and then what it would do.
    /// Returns whether it was one.
    /// </summary>
    public static bool Scan(byte[] payload, string how, string location, ScanContext context)
    {
        if (!IsPayload(payload))
        {
            return false;
        }

        var kind = payload[0] == (byte)PickleOpcode.Proto ? "pickle" : "zip archive (a PyTorch checkpoint carries a pickle)";
        var inner = location + "!embedded";
        if (context.EmbeddedDepth >= MaxDepth)
        {
            context.Add("embedded.payload", Severity.High, $"a {kind} of {payload.Length:N0} bytes is stored {how}, nested more than {MaxDepth} payloads deep; not analysed", location);
            return true;
        }

        context.Add("embedded.payload", Severity.Medium, $"a {kind} of {payload.Length:N0} bytes is stored {how}; code that reads it back and unpickles it runs what it calls (its findings are at {inner})", location);
        context.EmbeddedDepth++;
        try
        {
            using var stream = new MemoryStream(payload, writable: false);
            ArtifactDispatcher.Analyze(stream, "embedded.pkl", inner, context, context.EmbeddedDepth);
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or IOException or FormatException or OverflowException)
        {
            context.Add("scan.not-analysed", Severity.Medium, $"embedded {kind} is malformed: {ex.Message}", inner);
        }
        finally
        {
            context.EmbeddedDepth--;
        }

        return true;
    }

    /// <summary>Scans a string value: the payload it spells, if any, else whether it is Python source.</summary>
    public static void ScanText(string text, string how, string location, ScanContext context, bool lookForSource)
    {
        if (DecodeText(text) is { } bytes && Scan(bytes, how, location, context))
        {
            return;
        }

        if (lookForSource && LooksLikePythonSource(text))
        {
            var preview = text.Length > 80 ? text[..80] + "..." : text;
            context.Add("embedded.python-source", Severity.Low, $"{how} holds what looks like Python source ('{preview.ReplaceLineEndings(" ")}'); nothing runs it by itself, but a loader that evals metadata would", location);
        }
    }

    // Non-backtracking, and only the first 64 KiB: a hostile string cannot make the match slow.
    /// <summary>Whether text reads as Python source: an import or def line, or a call of exec, eval, __import__, os.system or subprocess.</summary>
    public static bool LooksLikePythonSource(string text) => text.Length >= 8 && PythonSource().IsMatch(text.AsSpan(0, Math.Min(text.Length, 64 * 1024)));

    // A pickle must end with STOP and pass the probe; a zip must have its magic. Anything else
    // (raw array data that happens to start 80 02) is not a payload.
    private static bool IsPayload(byte[] payload)
    {
        if (payload.Length < MinBytes || !StartsLikePayload(payload))
        {
            return false;
        }

        if (payload[0] != (byte)PickleOpcode.Proto)
        {
            return true;
        }

        var head = payload.AsSpan(0, Math.Min(payload.Length, FormatDetector.HeadLength));
        return payload[^1] == (byte)PickleOpcode.Stop && PickleProbe.Problem(head, head.Length == payload.Length) is null;
    }

    [GeneratedRegex(@"(^|[\n;])\s*(import\s+[A-Za-z_][\w.]*|from\s+[A-Za-z_][\w.]*\s+import\s|def\s+\w+\s*\(.*\)\s*:)|__import__\s*\(|\b(exec|eval|compile)\s*\(|\bos\.(system|popen|exec\w*)\s*\(|\bsubprocess\.\w+\s*\(", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex PythonSource();
}
