using Gauntlet.Core.IO;

namespace Gauntlet.Scanner;

/// <summary>
/// One thing a folder walk found: a regular file to scan (<see cref="Problem"/> null, with any link
/// findings to add to its own), or an entry that is listed but never opened (a device, a dangling
/// link, a loop, a folder not walked) with the reason.
/// </summary>
internal sealed record WalkItem(string Path, string RelativePath, IReadOnlyList<Finding> Findings, string? Problem);

/// <summary>What a folder walk produced: the items in path order and what the globs did.</summary>
internal sealed record FolderWalk(IReadOnlyList<WalkItem> Items, int FilteredOut, IReadOnlyList<string> UnmatchedIncludes);

/// <summary>
/// Walks a folder for <see cref="ModelScanner"/>. Symbolic links are followed, to files and to
/// folders, because a link is exactly how a poisoned file can sit inside a model folder unseen.
/// Every folder is walked once, keyed by its real path (all links resolved): a link back to a folder
/// on the current path is a loop, reported (<c>scan.link-loop</c>, low) and not followed; a second
/// way into a folder already walked is noted (info). A link whose real target lies outside the
/// scanned folder is reported (<c>scan.link-outside-root</c>, medium) and still followed; through a
/// folder link, every file scanned beneath it carries the finding. Devices,
/// FIFOs and sockets are listed (<c>scan.not-regular-file</c>) and never opened. The walk is bounded
/// by <see cref="ScanOptions.MaxFolderDepth"/> and <see cref="ScanOptions.MaxFiles"/>.
/// </summary>
internal sealed class FolderWalker
{
    private readonly ScanOptions options;
    private readonly string rootReal;
    private readonly List<GlobPattern> includes;
    private readonly List<GlobPattern> excludes;
    private readonly bool[] includeMatched;
    private readonly Dictionary<string, string> walked = new(StringComparer.Ordinal);
    private readonly List<WalkItem> items = [];
    private int filteredOut;
    private int visited;

    private FolderWalker(ScanOptions options, string rootReal)
    {
        this.options = options;
        this.rootReal = rootReal;
        includes = [.. options.Include.Select(p => new GlobPattern(p))];
        excludes = [.. options.Exclude.Select(p => new GlobPattern(p))];
        includeMatched = new bool[includes.Count];
    }

    /// <summary>Walks <paramref name="root"/>, an existing folder (or a link to one).</summary>
    /// <exception cref="FormatException">An include or exclude glob is invalid.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder cannot be resolved.</exception>
    public static FolderWalk Walk(string root, ScanOptions options)
    {
        if (RealPaths.Resolve(root, out var rootReal) != Resolution.Resolved)
        {
            throw new DirectoryNotFoundException($"'{root}' cannot be resolved to a folder");
        }

        var walker = new FolderWalker(options, rootReal);
        walker.Run(new Frame(root, rootReal, string.Empty, 0, null, null));
        var unmatched = walker.includes.Where((_, i) => !walker.includeMatched[i]).Select(g => g.Pattern).ToList();
        var ordered = walker.items.OrderBy(i => i.RelativePath, StringComparer.Ordinal).ToList();
        return new FolderWalk(ordered, walker.filteredOut, unmatched);
    }

    private void Run(Frame start)
    {
        walked[start.Real] = ".";
        var pending = new Stack<Frame>();
        pending.Push(start);
        while (pending.Count > 0)
        {
            var frame = pending.Pop();
            var children = new List<Frame>();
            foreach (var entry in List(frame))
            {
                // Counted before the globs: a walk that matches nothing must still end.
                if (++visited > options.MaxFiles)
                {
                    items.Add(Listed(frame.Path, Display(frame.Relative), "scan.not-analysed", Severity.Medium, $"more than {options.MaxFiles:N0} entries in the walk (ScanOptions.MaxFiles); the rest of the folder was not scanned"));
                    return;
                }

                Visit(frame, entry, children);
            }

            // Pushed in reverse so folders are walked in name order: the first name for a shared folder is the lowest.
            for (var i = children.Count - 1; i >= 0; i--)
            {
                pending.Push(children[i]);
            }
        }
    }

    private IEnumerable<FileSystemInfo> List(Frame frame)
    {
        try
        {
            var enumeration = new EnumerationOptions { RecurseSubdirectories = false, IgnoreInaccessible = false, AttributesToSkip = 0, ReturnSpecialDirectories = false };
            return [.. new DirectoryInfo(frame.Path).EnumerateFileSystemInfos("*", enumeration).OrderBy(e => e.Name, StringComparer.Ordinal)];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            items.Add(Listed(frame.Path, Display(frame.Relative), "scan.not-analysed", Severity.Medium, $"could not list the folder: {ex.Message}"));
            return [];
        }
    }

    private void Visit(Frame frame, FileSystemInfo entry, List<Frame> children)
    {
        var relative = frame.Relative + entry.Name;
        var isLink = entry.Attributes.HasFlag(FileAttributes.ReparsePoint) || entry.LinkTarget is not null;
        string real;
        var outside = false;
        if (isLink)
        {
            switch (RealPaths.Resolve(entry.FullName, out real))
            {
                case Resolution.Dangling:
                    AddIfWanted(Listed(entry.FullName, relative, "scan.dangling-link", Severity.Low, $"symbolic link to '{entry.LinkTarget}', which does not exist"));
                    return;
                case Resolution.Loop:
                    AddIfWanted(Listed(entry.FullName, relative, "scan.link-loop", Severity.Low, $"symbolic links to '{entry.LinkTarget}' point at each other (a loop); nothing to scan"));
                    return;
                case Resolution.Failed:
                    AddIfWanted(Listed(entry.FullName, relative, "scan.not-analysed", Severity.Medium, $"could not resolve the symbolic link to '{entry.LinkTarget}'"));
                    return;
            }

            outside = !RealPath.IsSameOrInside(real, rootReal);
        }
        else
        {
            real = Path.Join(frame.Real, entry.Name);
        }

        // A file reached through a folder link that left the root carries that link's finding: it is the file that lives outside.
        var outsideFinding = outside
            ? new Finding("scan.link-outside-root", Severity.Medium, $"symbolic link to '{real}', outside the scanned folder; the target is scanned as '{relative}'", relative)
            : frame.OutsideVia is { } via && !RealPath.IsSameOrInside(real, rootReal)
                ? via with { Location = relative }
                : null;
        switch (FileKinds.Of(real))
        {
            case FileKind.Directory:
                VisitFolder(frame, entry.FullName, real, relative, outside ? outsideFinding : frame.OutsideVia, children);
                break;
            case FileKind.Regular:
                if (Wanted(relative))
                {
                    items.Add(new WalkItem(entry.FullName, relative, outsideFinding is null ? [] : [outsideFinding], null));
                }

                break;
            case FileKind.Special:
                var special = Listed(entry.FullName, relative, "scan.not-regular-file", Severity.Medium, "not a regular file (a device, FIFO or socket); never opened, not analysed");
                AddIfWanted(outsideFinding is null ? special : special with { Findings = [.. special.Findings, outsideFinding] });
                break;
            default:
                // Removed between listing and looking: nothing left to scan, but say so.
                AddIfWanted(Listed(entry.FullName, relative, "scan.not-analysed", Severity.Medium, "vanished while the folder was scanned"));
                break;
        }
    }

    private void VisitFolder(Frame frame, string path, string real, string relative, Finding? outsideVia, List<Frame> children)
    {
        if (Excluded(relative))
        {
            return;
        }

        for (var ancestor = frame; ancestor is not null; ancestor = ancestor.Parent)
        {
            if (ancestor.Real == real)
            {
                AddIfWanted(Listed(path, relative, "scan.link-loop", Severity.Low, $"leads back to '{Display(ancestor.Relative)}', a folder being walked (a loop); not followed"));
                return;
            }
        }

        if (walked.TryGetValue(real, out var earlier))
        {
            AddIfWanted(Listed(path, relative, "scan.link-loop", Severity.Info, $"the same folder as '{earlier}', already scanned; not walked again"));
            return;
        }

        if (frame.Depth + 1 > options.MaxFolderDepth)
        {
            // Not filtered by --include: the folder could hold matching files, so its omission is always reported.
            items.Add(Listed(path, relative, "scan.not-analysed", Severity.Medium, $"nested more than {options.MaxFolderDepth} folders deep (ScanOptions.MaxFolderDepth); not walked"));
            return;
        }

        walked[real] = relative;
        children.Add(new Frame(path, real, relative + "/", frame.Depth + 1, frame, outsideVia));
    }

    private void AddIfWanted(WalkItem item)
    {
        if (Wanted(item.RelativePath))
        {
            items.Add(item);
        }
    }

    private bool Excluded(string relative) => excludes.Any(g => g.IsMatch(relative));

    private bool Wanted(string relative)
    {
        if (Excluded(relative))
        {
            filteredOut++;
            return false;
        }

        if (includes.Count == 0)
        {
            return true;
        }

        var any = false;
        for (var i = 0; i < includes.Count; i++)
        {
            if (includes[i].IsMatch(relative))
            {
                includeMatched[i] = true;
                any = true;
            }
        }

        if (!any)
        {
            filteredOut++;
        }

        return any;
    }

    private static WalkItem Listed(string path, string relative, string ruleId, Severity severity, string message)
    {
        return new WalkItem(path, relative, [new Finding(ruleId, severity, message, relative)], message);
    }

    private static string Display(string relative) => relative.Length == 0 ? "." : relative.TrimEnd('/');

    /// <summary>
    /// A folder to walk: the path it is reached by, its real path, its name relative to the root
    /// (ending in '/', empty for the root), its parent on the walk, and the finding of the link that
    /// led outside the root, when one on the way did.
    /// </summary>
    private sealed record Frame(string Path, string Real, string Relative, int Depth, Frame? Parent, Finding? OutsideVia);
}
