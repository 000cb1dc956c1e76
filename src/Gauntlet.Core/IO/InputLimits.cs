using System.Globalization;

namespace Gauntlet.Core.IO;

/// <summary>A cap on how many bytes one input may hold, and the sentence that says how to raise it.</summary>
/// <param name="Bytes">The largest size accepted, in bytes.</param>
/// <param name="HowToRaise">Ends the refusal message, e.g. <c>set GAUNTLET_MAX_INPUT_BYTES to raise it</c>.</param>
public readonly record struct ByteLimit(long Bytes, string HowToRaise);

/// <summary>
/// The limits every Gauntlet reader applies to input it did not write, so a file an attacker chose
/// cannot exhaust memory or the stack. Each limit has a default and an environment variable that
/// raises (or lowers) it; docs/limits.md, section "Input files", lists them. The variables are read
/// on each use, so a process may change them between reads.
/// </summary>
/// <remarks>
/// A variable holds a positive whole number, optionally followed by <c>K</c>, <c>M</c> or <c>G</c>
/// (binary multiples: <c>512M</c> = 512 × 2^20). Anything else is refused with
/// <see cref="FormatException"/> naming the variable, rather than silently ignored.
/// </remarks>
public static class InputLimits
{
    /// <summary>The variable that sets <see cref="InputBytes"/>.</summary>
    public const string InputBytesVariable = "GAUNTLET_MAX_INPUT_BYTES";

    /// <summary>The variable that sets <see cref="TableBytes"/>.</summary>
    public const string TableBytesVariable = "GAUNTLET_MAX_TABLE_BYTES";

    /// <summary>The variable that sets <see cref="DocumentBytes"/>.</summary>
    public const string DocumentBytesVariable = "GAUNTLET_MAX_DOCUMENT_BYTES";

    /// <summary>The variable that sets <see cref="MaxClasses"/>.</summary>
    public const string MaxClassesVariable = "GAUNTLET_MAX_CLASSES";

    /// <summary>The variable that sets <see cref="MaxNestingDepth"/>.</summary>
    public const string MaxNestingDepthVariable = "GAUNTLET_MAX_NESTING_DEPTH";

    /// <summary>Default for binary inputs (data arrays, IDX, PNG, ONNX models and their external data, parameter files): 4 GiB.</summary>
    public const long DefaultInputBytes = 4L << 30;

    /// <summary>Default for text tables (CSV data and label columns), which are held in memory as rows of strings: 256 MiB.</summary>
    public const long DefaultTableBytes = 256L << 20;

    /// <summary>Default for structured documents (audit plans, report JSON, model manifests): 16 MiB.</summary>
    public const long DefaultDocumentBytes = 16L << 20;

    /// <summary>Default for the number of classes a label file may imply (its largest label plus one): 100,000.</summary>
    public const int DefaultMaxClasses = 100_000;

    /// <summary>Default for how deeply a YAML or JSON document may nest mappings and sequences: 64 levels.</summary>
    public const int DefaultMaxNestingDepth = 64;

    /// <summary>The highest <see cref="MaxNestingDepth"/> the variable may set: deeper documents would risk the parsers' stacks.</summary>
    public const int NestingDepthCeiling = 1000;

    /// <summary>The cap for binary inputs: <see cref="DefaultInputBytes"/> unless <see cref="InputBytesVariable"/> says otherwise.</summary>
    /// <exception cref="FormatException">The variable is set but not a positive size.</exception>
    public static ByteLimit InputBytes => Bytes(InputBytesVariable, DefaultInputBytes);

    /// <summary>The cap for CSV tables and text label files: <see cref="DefaultTableBytes"/> unless <see cref="TableBytesVariable"/> says otherwise.</summary>
    /// <exception cref="FormatException">The variable is set but not a positive size.</exception>
    public static ByteLimit TableBytes => Bytes(TableBytesVariable, DefaultTableBytes);

    /// <summary>The cap for plans, reports and manifests: <see cref="DefaultDocumentBytes"/> unless <see cref="DocumentBytesVariable"/> says otherwise.</summary>
    /// <exception cref="FormatException">The variable is set but not a positive size.</exception>
    public static ByteLimit DocumentBytes => Bytes(DocumentBytesVariable, DefaultDocumentBytes);

    /// <summary>The most classes labels may imply: <see cref="DefaultMaxClasses"/> unless <see cref="MaxClassesVariable"/> says otherwise.</summary>
    /// <exception cref="FormatException">The variable is set but not a positive whole number below 2^31.</exception>
    public static int MaxClasses => (int)Math.Min(int.MaxValue, Read(MaxClassesVariable, DefaultMaxClasses));

    /// <summary>The deepest nesting of a YAML or JSON document: <see cref="DefaultMaxNestingDepth"/> unless <see cref="MaxNestingDepthVariable"/> says otherwise (at most <see cref="NestingDepthCeiling"/>).</summary>
    /// <exception cref="FormatException">The variable is set but not a positive whole number up to <see cref="NestingDepthCeiling"/>.</exception>
    public static int MaxNestingDepth
    {
        get
        {
            var depth = Read(MaxNestingDepthVariable, DefaultMaxNestingDepth);
            return depth <= NestingDepthCeiling
                ? (int)depth
                : throw new FormatException($"{MaxNestingDepthVariable}={depth} is above {NestingDepthCeiling}, the deepest nesting Gauntlet's parsers can take safely.");
        }
    }

    /// <summary>The sentence for a class-count refusal.</summary>
    public static string MaxClassesHowToRaise => $"set {MaxClassesVariable} to raise it";

    private static ByteLimit Bytes(string variable, long fallback) => new(Read(variable, fallback), $"set {variable} to raise it");

    private static long Read(string variable, long fallback)
    {
        var text = Environment.GetEnvironmentVariable(variable)?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return fallback;
        }

        var shift = char.ToUpperInvariant(text[^1]) switch
        {
            'K' => 10,
            'M' => 20,
            'G' => 30,
            _ => 0,
        };
        var digits = shift == 0 ? text : text[..^1];
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value <= 0 || value > (long.MaxValue >> shift))
        {
            throw new FormatException($"{variable}='{text}' is not a positive whole number (optionally followed by K, M or G).");
        }

        return value << shift;
    }
}
