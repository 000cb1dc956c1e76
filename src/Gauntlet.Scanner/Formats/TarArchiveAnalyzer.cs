using System.Formats.Tar;

namespace Gauntlet.Scanner.Formats;

/// <summary>Tar archives (plain or inside gzip): every regular entry is analysed, links and names checked.</summary>
internal static class TarArchiveAnalyzer
{
    public static void Analyze(Stream stream, string location, ScanContext context, int depth)
    {
        var count = 0;
        try
        {
            using var reader = new TarReader(stream, leaveOpen: true);
            while (reader.GetNextEntry() is { } entry)
            {
                var entryLocation = location + "!" + entry.Name;
                if (++count > context.Options.MaxArchiveEntries)
                {
                    context.Add("archive.bomb", Severity.High, $"more than {context.Options.MaxArchiveEntries:N0} entries; the rest were not examined", location);
                    return;
                }

                var name = entry.Name.Replace('\\', '/');
                if (name.StartsWith('/') || name.Split('/').Contains(".."))
                {
                    context.Add("archive.path-traversal", Severity.Medium, $"entry name '{entry.Name}' is absolute or climbs out of the extraction folder", entryLocation);
                }

                if (entry.EntryType is TarEntryType.SymbolicLink or TarEntryType.HardLink)
                {
                    var target = entry.LinkName.Replace('\\', '/');
                    if (target.StartsWith('/') || target.Split('/').Contains(".."))
                    {
                        context.Add("archive.path-traversal", Severity.Medium, $"link '{entry.Name}' points to '{entry.LinkName}', outside the archive", entryLocation);
                    }

                    continue;
                }

                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null)
                {
                    continue;
                }

                if (entry.Length > context.Options.MaxEntryBytes || !context.TryCharge(entry.Length))
                {
                    context.Add("archive.bomb", Severity.High, $"entry of {entry.Length:N0} bytes exceeds the expansion limits; not analysed", entryLocation);
                    continue;
                }

                ArtifactDispatcher.AnalyzeNested(entry.DataStream, entry.Length, entry.Name, entryLocation, context, depth + 1);
            }
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException or EndOfStreamException)
        {
            context.Add("scan.not-analysed", Severity.Medium, $"tar archive is malformed after {count} entries: {ex.Message}", location);
        }
    }
}
