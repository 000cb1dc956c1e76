using Gauntlet.Scanner.Containers;
using Gauntlet.Scanner.Pickle;

namespace Gauntlet.Scanner.Formats;

/// <summary>
/// Zip-based formats: PyTorch checkpoints, TorchScript archives, Keras 3 .keras files, NumPy
/// .npz and plain zips. Entries are read with <see cref="TolerantZipReader"/>, as PyTorch reads them.
/// </summary>
internal static class ZipArchiveAnalyzer
{
    private const long LargeEntryBytes = 16L << 20;
    private const long CrcCheckLimit = 16L << 20;
    private static readonly string[] CodeExtensions = [".py", ".pyc", ".pyo", ".so", ".dll", ".dylib", ".pyd", ".sh", ".ipynb"];

    public static ArtifactFormat Analyze(Stream stream, string location, ScanContext context, int depth)
    {
        var zip = TolerantZipReader.Open(stream, context, location);
        var entries = zip.Entries;
        var pickleRoot = entries.FirstOrDefault(e => e.Name == "data.pkl" || e.Name.EndsWith("/data.pkl", StringComparison.Ordinal)) is { } data
            ? data.Name[..^"data.pkl".Length]
            : null;
        var format = Classify(zip, entries, pickleRoot);
        var codeFiles = new List<string>();
        string? dangerousCode = null;

        foreach (var entry in entries)
        {
            var entryLocation = location + "!" + entry.Name;
            CheckPath(entry.Name, entryLocation, context);
            if (entry.IsDirectory)
            {
                continue;
            }

            var relative = pickleRoot is not null && entry.Name.StartsWith(pickleRoot, StringComparison.Ordinal) ? entry.Name[pickleRoot.Length..] : entry.Name;
            if (pickleRoot is not null && (relative.StartsWith("data/", StringComparison.Ordinal) || relative.StartsWith(".data/", StringComparison.Ordinal)
                || relative is "version" or "byteorder" or "serialization_id" or ".format_version" or ".storage_alignment"))
            {
                continue; // raw tensor storage and markers: PyTorch never unpickles these.
            }

            if (format == ArtifactFormat.TorchScript && relative.StartsWith("code/", StringComparison.Ordinal) && !relative.EndsWith(".debug_pkl", StringComparison.Ordinal))
            {
                codeFiles.Add(relative);
                if (TorchScriptCode.Inspect(zip, entry) is { } danger)
                {
                    dangerousCode ??= $"{relative}: {danger}";
                }

                continue;
            }

            var extension = FormatDetector.Extension(entry.Name);
            if (Array.IndexOf(CodeExtensions, extension) >= 0)
            {
                if (format == ArtifactFormat.Keras)
                {
                    context.Add("keras.embedded-code", Severity.High, $"code file '{entry.Name}' inside the .keras archive", entryLocation);
                }
                else
                {
                    context.Add("archive.embedded-code", Severity.Medium, $"code file '{entry.Name}' shipped inside the archive", entryLocation);
                }

                continue;
            }

            if (!CheckLimits(entry, entryLocation, context))
            {
                if (context.DecompressedBytes > context.Options.MaxTotalDecompressedBytes)
                {
                    break;
                }

                continue;
            }

            if (entry.IsEncrypted && !JudgeEncrypted(zip, entry, pickleRoot is not null && extension == ".pkl", entryLocation, context))
            {
                continue;
            }

            using var content = zip.OpenEntry(entry, context.Options.MaxEntryBytes);
            if (content is null)
            {
                context.Add("scan.not-analysed", Severity.Low, $"compression method {entry.Method} is not supported; entry not analysed", entryLocation);
                continue;
            }

            if (format == ArtifactFormat.Keras && entry.Name == "config.json")
            {
                KerasConfigInspector.InspectJson(content, entryLocation, context);
            }
            else if (extension is ".pkl" or ".debug_pkl")
            {
                PickleAnalyzer.Analyze(content, entry.UncompressedSize, entryLocation, context);
            }
            else
            {
                ArtifactDispatcher.AnalyzeNested(content, entry.UncompressedSize, entry.Name, entryLocation, context, depth + 1);
            }

            if (content is LimitedStream { LimitReached: true })
            {
                context.Add("archive.bomb", Severity.High, $"entry expands beyond {context.Options.MaxEntryBytes:N0} bytes although it declares {entry.UncompressedSize:N0}", entryLocation);
            }

            if (!entry.IsEncrypted) // an encrypted entry's CRC covers the plaintext, which is not read
            {
                CheckCrc(zip, entry, entryLocation, context);
            }
        }

        if (codeFiles.Count > 0)
        {
            context.Add("torchscript.code", dangerousCode is null ? Severity.Medium : Severity.High,
                $"TorchScript archive with {codeFiles.Count} code file(s) ({string.Join(", ", codeFiles.Take(5))}); the code runs when the model is called"
                + (dangerousCode is null ? string.Empty : $"; it {dangerousCode}"), location);
        }

        return format;
    }

    private static ArtifactFormat Classify(TolerantZipReader zip, IReadOnlyList<ZipEntryInfo> entries, string? pickleRoot)
    {
        if (pickleRoot is not null)
        {
            return entries.Any(e => e.Name.StartsWith(pickleRoot + "code/", StringComparison.Ordinal) || e.Name == pickleRoot + "constants.pkl")
                ? ArtifactFormat.TorchScript
                : ArtifactFormat.PyTorchZip;
        }

        // A .keras archive is config.json beside metadata.json or the weights; without them
        // (a hand-made archive that Keras still loads) the config's own content decides.
        if (entries.FirstOrDefault(e => e.Name == "config.json") is { } config
            && (entries.Any(e => e.Name is "metadata.json" or "model.weights.h5") || ConfigLooksLikeKeras(zip, config)))
        {
            return ArtifactFormat.Keras;
        }

        var files = entries.Where(e => !e.IsDirectory).ToList();
        return files.Count > 0 && files.All(e => e.Name.EndsWith(".npy", StringComparison.OrdinalIgnoreCase)) ? ArtifactFormat.NumPyZip : ArtifactFormat.Zip;
    }

    private static bool ConfigLooksLikeKeras(TolerantZipReader zip, ZipEntryInfo config)
    {
        try
        {
            using var content = zip.OpenEntry(config, 64 * 1024);
            if (content is null)
            {
                return false;
            }

            var head = new byte[64 * 1024];
            var length = content.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            return KerasConfigInspector.LooksLikeKerasConfig(head.AsSpan(0, length));
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    private static bool CheckLimits(ZipEntryInfo entry, string location, ScanContext context)
    {
        var options = context.Options;
        if (entry.UncompressedSize > options.MaxEntryBytes)
        {
            context.Add("archive.bomb", Severity.High, $"entry declares {entry.UncompressedSize:N0} bytes, above the {options.MaxEntryBytes:N0}-byte limit; not expanded", location);
            return false;
        }

        if (entry.Method != 0 && entry.UncompressedSize > LargeEntryBytes && entry.UncompressedSize > options.MaxCompressionRatio * Math.Max(1, entry.CompressedSize))
        {
            context.Add("archive.bomb", Severity.High, $"entry expands {entry.CompressedSize:N0} bytes to {entry.UncompressedSize:N0} (ratio {entry.UncompressedSize / (double)Math.Max(1, entry.CompressedSize):F0}); not expanded", location);
            return false;
        }

        if (!context.TryCharge(Math.Max(entry.UncompressedSize, entry.CompressedSize)))
        {
            context.Add("archive.bomb", Severity.High, $"archive expands beyond the {options.MaxTotalDecompressedBytes:N0}-byte total limit; remaining entries not analysed", location);
            return false;
        }

        return true;
    }

    /// <summary>
    /// Decides what an entry with the "encrypted" flag is; true when it is to be analysed. Really
    /// encrypted data (its stored CRC, which covers the plaintext, does not match the bytes read
    /// as plaintext) cannot be analysed and is listed as such; its CRC is never reported. The
    /// flag on plaintext is a bypass (PyTorch ignores the flag, Python's zipfile refuses the
    /// entry) and is reported. PyTorch unpickles its own pickle entries whatever the flag says,
    /// so those are analysed as PyTorch would read them either way.
    /// </summary>
    private static bool JudgeEncrypted(TolerantZipReader zip, ZipEntryInfo entry, bool readByPyTorch, string location, ScanContext context)
    {
        var plaintext = PlaintextCrc(zip, entry) == entry.Crc32;
        if (plaintext || readByPyTorch)
        {
            context.Add("zip.anomaly", Severity.Medium, $"entry '{entry.Name}' has the encrypted flag set{(plaintext ? " on unencrypted data" : string.Empty)}; PyTorch ignores it while Python's zipfile refuses the entry (a scanner bypass)", location);
            return true;
        }

        context.Add("scan.not-analysed", Severity.Info, "encrypted entry; not analysed (loaders other than PyTorch refuse it without the password)", location);
        return false;
    }

    // The CRC-32 of the entry's bytes read as plaintext; null when they cannot be read so (too
    // large to check, an unsupported method, or deflate data that does not inflate).
    private static uint? PlaintextCrc(TolerantZipReader zip, ZipEntryInfo entry)
    {
        if (entry.UncompressedSize > CrcCheckLimit)
        {
            return null;
        }

        using var content = zip.OpenEntry(entry, CrcCheckLimit);
        if (content is null)
        {
            return null;
        }

        try
        {
            var crc = 0u;
            var buffer = new byte[16 * 1024];
            int n;
            while ((n = content.Read(buffer)) > 0)
            {
                crc = Crc32.Update(crc, buffer.AsSpan(0, n));
            }

            return crc;
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    private static void CheckCrc(TolerantZipReader zip, ZipEntryInfo entry, string location, ScanContext context)
    {
        if (PlaintextCrc(zip, entry) is { } crc && crc != entry.Crc32)
        {
            context.Add("zip.anomaly", Severity.Medium, $"CRC mismatch (stored {entry.Crc32:x8}, actual {crc:x8}); PyTorch loads the entry while Python's zipfile rejects it (a scanner bypass)", location);
        }
    }

    private static void CheckPath(string name, string location, ScanContext context)
    {
        var normalised = name.Replace('\\', '/');
        if (normalised.StartsWith('/') || (normalised.Length > 1 && normalised[1] == ':') || normalised.Split('/').Contains(".."))
        {
            context.Add("archive.path-traversal", Severity.Medium, $"entry name '{name}' is absolute or climbs out of the extraction folder", location);
        }
    }
}
