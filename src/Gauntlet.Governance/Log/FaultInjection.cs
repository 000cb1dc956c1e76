using System.Diagnostics;
using System.Globalization;

namespace Gauntlet.Governance.Log;

/// <summary>
/// A crash on demand, for the crash-recovery tests: when <c>GAUNTLET_LOG_CRASH_AFTER_BYTES</c> is
/// set to N, an append writes the first N bytes of its record to the file and then kills its own
/// process with SIGKILL, so a child process leaves exactly the torn tail a power cut or an OOM kill
/// mid-write would. Unset (always, outside tests) it costs one environment read per batch.
/// </summary>
internal static class FaultInjection
{
    /// <summary>The variable's name.</summary>
    public const string Variable = "GAUNTLET_LOG_CRASH_AFTER_BYTES";

    /// <summary>N when the variable is set to a whole number, else null.</summary>
    public static long? CrashAfterBytes() =>
        long.TryParse(Environment.GetEnvironmentVariable(Variable), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary>Writes at most <paramref name="cut"/> bytes of <paramref name="record"/>, pushes them to the file, and dies.</summary>
    public static void WriteThenCrash(FileStream stream, byte[] record, long cut)
    {
        stream.Write(record, 0, (int)Math.Min(cut, record.Length));
        stream.Flush();
        Process.GetCurrentProcess().Kill(); // SIGKILL: no finally blocks, no disposal, like a real crash
    }
}
