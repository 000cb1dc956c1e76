using System.Text;
using System.Text.RegularExpressions;
using Gauntlet.Scanner.Containers;

namespace Gauntlet.Scanner.Formats;

/// <summary>
/// Reads a TorchScript code file for what lifts it above ordinary model code: ops that read or
/// write files (<c>aten::from_file</c>, <c>aten::save</c>) and calls into op namespaces that only
/// a loaded native library provides (custom ops run native code). TorchScript cannot call
/// arbitrary Python, so plain code stays medium; these make it high.
/// </summary>
internal static partial class TorchScriptCode
{
    private const int MaxCodeBytes = 1 << 20;

    // Namespaces PyTorch itself registers; any other torch.ops.NS needs a native library.
    private static readonly HashSet<string> BuiltInNamespaces = new(StringComparer.Ordinal)
    {
        "aten", "prim", "quantized", "_quantized", "profiler", "_caffe2", "quantized_decomposed", "torchvision", "image", "_c10d_functional", "c10d", "rngprims", "inductor",
    };

    /// <summary>What makes the code file dangerous, or null when nothing does.</summary>
    public static string? Inspect(TolerantZipReader zip, ZipEntryInfo entry)
    {
        string code;
        try
        {
            using var content = zip.OpenEntry(entry, MaxCodeBytes);
            if (content is null)
            {
                return null;
            }

            using var buffer = new MemoryStream();
            content.CopyTo(buffer);
            code = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
        catch (InvalidDataException)
        {
            return null;
        }

        if (FileOps().Match(code) is { Success: true } file)
        {
            return $"calls {file.Value.TrimEnd('(')}, which reads or writes files";
        }

        foreach (Match op in CustomOps().Matches(code))
        {
            if (!BuiltInNamespaces.Contains(op.Groups[1].Value))
            {
                return $"calls torch.ops.{op.Groups[1].Value}, a custom op namespace that runs a native library's code";
            }
        }

        return LoadLibrary().Match(code) is { Success: true } load ? $"calls {load.Value}, which loads native code" : null;
    }

    [GeneratedRegex(@"\b(ops\.aten\.(from_file|save|_save)|torch\.from_file|torch\.save)\b", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex FileOps();

    [GeneratedRegex(@"\bops\.([A-Za-z_]\w*)\.", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex CustomOps();

    [GeneratedRegex(@"\b(load_library|ops\.load_library|classes\.load_library)\b", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex LoadLibrary();
}
