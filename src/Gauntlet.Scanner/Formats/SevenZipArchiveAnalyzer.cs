using Gauntlet.Scanner.Containers;
using SharpCompress.Archives;
using SharpCompress.Archives.SevenZip;
using SharpCompress.Readers;

namespace Gauntlet.Scanner.Formats;

/// <summary>
/// 7z archives, read with SharpCompress: every file entry is analysed like a zip or tar entry,
/// under the same depth, entry-count, entry-size and total-expansion limits. Encrypted entries
/// and archives the reader cannot decode are listed as not analysed.
/// </summary>
internal static class SevenZipArchiveAnalyzer
{
    public static void Analyze(Stream stream, string location, ScanContext context, int depth)
    {
        var count = 0;
        try
        {
            // SubStream: SharpCompress disposes the stream it is given; the file stays open for hashing.
            using var archive = SevenZipArchive.OpenArchive(new SubStream(stream, 0, stream.Length), new ReaderOptions { LeaveStreamOpen = true });
            foreach (var entry in archive.Entries)
            {
                var name = entry.Key ?? string.Empty;
                var entryLocation = location + "!" + name;
                if (++count > context.Options.MaxArchiveEntries)
                {
                    context.Add("archive.bomb", Severity.High, $"more than {context.Options.MaxArchiveEntries:N0} entries; the rest were not examined", location);
                    return;
                }

                var normalised = name.Replace('\\', '/');
                if (normalised.StartsWith('/') || (normalised.Length > 1 && normalised[1] == ':') || normalised.Split('/').Contains(".."))
                {
                    context.Add("archive.path-traversal", Severity.Medium, $"entry name '{name}' is absolute or climbs out of the extraction folder", entryLocation);
                }

                if (entry.IsDirectory)
                {
                    continue;
                }

                if (entry.IsEncrypted)
                {
                    context.Add("scan.not-analysed", Severity.Info, "encrypted entry; not analysed", entryLocation);
                    continue;
                }

                if (entry.Size > context.Options.MaxEntryBytes || !context.TryCharge(Math.Max(0, entry.Size)))
                {
                    context.Add("archive.bomb", Severity.High, $"entry of {entry.Size:N0} bytes exceeds the expansion limits; not analysed", entryLocation);
                    if (context.DecompressedBytes > context.Options.MaxTotalDecompressedBytes)
                    {
                        return;
                    }

                    continue;
                }

                using var content = new LimitedStream(entry.OpenEntryStream(), context.Options.MaxEntryBytes);
                ArtifactDispatcher.AnalyzeNested(content, entry.Size, name, entryLocation, context, depth + 1);
                if (content.LimitReached)
                {
                    context.Add("archive.bomb", Severity.High, $"entry expands beyond {context.Options.MaxEntryBytes:N0} bytes although it declares {entry.Size:N0}", entryLocation);
                }
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException and not StackOverflowException and not InsufficientExecutionStackException)
        {
            // SharpCompress throws its own types (and IndexOutOfRange, ArgumentException, ...) on
            // corrupt headers: whatever it throws, the archive is listed, never passed silently.
            context.Add("scan.not-analysed", Severity.Medium, $"7z archive could not be read after {count} entries ({ex.GetType().Name}: {ex.Message}); not analysed", location);
        }
    }
}
