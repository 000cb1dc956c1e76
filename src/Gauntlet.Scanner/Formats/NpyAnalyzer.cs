using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;
using Gauntlet.Scanner.Pickle;

namespace Gauntlet.Scanner.Formats;

/// <summary>NumPy .npy: checks the header and, for object arrays, analyses the pickle that follows it.</summary>
internal static partial class NpyAnalyzer
{
    private const int MaxHeader = 1 << 20;

    public static void Analyze(Stream stream, long? length, string location, ScanContext context)
    {
        Span<byte> preamble = stackalloc byte[12];
        if (stream.ReadAtLeast(preamble[..10], 10, throwOnEndOfStream: false) < 10)
        {
            context.Add("numpy.malformed", Severity.Medium, "truncated .npy preamble", location);
            return;
        }

        var major = preamble[6];
        int headerLength;
        var consumed = 10;
        if (major == 1)
        {
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(preamble[8..]);
        }
        else if (major is 2 or 3)
        {
            if (stream.ReadAtLeast(preamble[10..12], 2, throwOnEndOfStream: false) < 2)
            {
                context.Add("numpy.malformed", Severity.Medium, "truncated .npy preamble", location);
                return;
            }

            var declared = BinaryPrimitives.ReadUInt32LittleEndian(preamble[8..]);
            if (declared > MaxHeader)
            {
                context.Add("numpy.malformed", Severity.Medium, $".npy header declares {declared:N0} bytes", location);
                return;
            }

            headerLength = (int)declared;
            consumed = 12;
        }
        else
        {
            context.Add("numpy.malformed", Severity.Medium, $"unknown .npy format version {major}", location);
            return;
        }

        var header = new byte[headerLength];
        if (stream.ReadAtLeast(header, headerLength, throwOnEndOfStream: false) < headerLength)
        {
            context.Add("numpy.malformed", Severity.Medium, "truncated .npy header", location);
            return;
        }

        var text = Encoding.Latin1.GetString(header);
        var descr = DescrPattern().Match(text);
        if (!text.TrimStart().StartsWith('{') || !descr.Success || !text.Contains("'shape'", StringComparison.Ordinal))
        {
            context.Add("numpy.malformed", Severity.Medium, ".npy header is not a dict with 'descr' and 'shape'", location);
            return;
        }

        if (!ObjectPattern().IsMatch(descr.Groups[1].Value))
        {
            return;
        }

        context.Add("numpy.object-dtype", Severity.Medium, $"object array (descr {descr.Groups[1].Value.Trim()}): numpy.load needs allow_pickle=True and unpickles the data", location);
        PickleAnalyzer.Analyze(stream, length - consumed - headerLength, location, context);
    }

    [GeneratedRegex(@"'descr'\s*:\s*('[^']*'|\[.*\])", RegexOptions.Singleline)]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'[<>|=]?O\d*'")]
    private static partial Regex ObjectPattern();
}
