using System.Runtime.InteropServices;

namespace Gauntlet.Scanner;

/// <summary>How resolving a path to its real location went.</summary>
internal enum Resolution
{
    /// <summary>Every link was followed to something that exists.</summary>
    Resolved,

    /// <summary>A link in the chain points at nothing (a dangling link).</summary>
    Dangling,

    /// <summary>Links point at each other (ELOOP): the chain never ends.</summary>
    Loop,

    /// <summary>Any other failure (permissions, I/O).</summary>
    Failed,
}

/// <summary>
/// The canonical location of a path with every symbolic link resolved, in every component and not
/// only the last one: <c>realpath(3)</c> on Linux. Two names of one folder resolve to the same
/// string, which is what loop detection and the "inside the scanned root" test compare.
/// </summary>
internal static partial class RealPaths
{
    private const int ErrNoEntry = 2;
    private const int ErrNotDirectory = 20;
    private const int ErrLoop = 40;

    /// <summary>Resolves <paramref name="path"/>; <paramref name="real"/> is the canonical path when the result is <see cref="Resolution.Resolved"/>.</summary>
    public static Resolution Resolve(string path, out string real)
    {
        real = string.Empty;
        if (OperatingSystem.IsLinux())
        {
            return ResolveLinux(path, out real);
        }

        // Elsewhere: .NET resolves the final link only; intermediate links are taken as written.
        try
        {
            var info = new FileInfo(Path.GetFullPath(path));
            var target = info.LinkTarget is null ? info : info.ResolveLinkTarget(returnFinalTarget: true);
            if (target is null || !(target.Exists || Directory.Exists(target.FullName)))
            {
                return Resolution.Dangling;
            }

            real = Path.GetFullPath(target.FullName);
            return Resolution.Resolved;
        }
        catch (IOException)
        {
            return Resolution.Loop;
        }
        catch (UnauthorizedAccessException)
        {
            return Resolution.Failed;
        }
    }

    /// <summary>Whether <paramref name="real"/> is <paramref name="root"/> or lies beneath it (both canonical).</summary>
    public static bool IsUnder(string real, string root)
    {
        var prefix = root.EndsWith('/') ? root : root + "/";
        return real == root || real.StartsWith(prefix, StringComparison.Ordinal);
    }

    private static unsafe Resolution ResolveLinux(string path, out string real)
    {
        real = string.Empty;
        var resolved = RealPath(path, IntPtr.Zero);
        if (resolved == IntPtr.Zero)
        {
            return Marshal.GetLastPInvokeError() switch
            {
                ErrNoEntry or ErrNotDirectory => Resolution.Dangling,
                ErrLoop => Resolution.Loop,
                _ => Resolution.Failed,
            };
        }

        try
        {
            real = Marshal.PtrToStringUTF8(resolved)!;
            return Resolution.Resolved;
        }
        finally
        {
            NativeMemory.Free((void*)resolved); // realpath mallocs the result when given no buffer
        }
    }

    [LibraryImport("libc", EntryPoint = "realpath", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial IntPtr RealPath(string path, IntPtr resolved);
}
