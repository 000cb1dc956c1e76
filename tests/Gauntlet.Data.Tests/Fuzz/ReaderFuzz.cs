using System.Buffers.Binary;
using System.Diagnostics;
using CsCheck;
using Xunit.Abstractions;

namespace Gauntlet.Data.Tests.Fuzz;

/// <summary>
/// Runs a reader on random bytes and on mutations of a valid file (bit flips, truncations, extreme
/// 32-bit fields, random splices), with a fixed CsCheck seed so a failure reproduces. Only the
/// exceptions the reader documents may escape, and every case must finish within <see cref="CaseBound"/>.
/// </summary>
internal static class ReaderFuzz
{
    /// <summary>Cases per reader.</summary>
    public const int Cases = 2000;

    /// <summary>The fixed seed (CsCheck's seed format).</summary>
    public const string Seed = "0N0XIzNsQ0O2";

    /// <summary>How long one case may take.</summary>
    public static readonly TimeSpan CaseBound = TimeSpan.FromSeconds(2);

    private static readonly uint[] Extremes = [0, 1, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0x3B9ACA00];

    /// <summary>A hostile variant of <paramref name="valid"/>, drawn deterministically from the generated (kind, seed) pair.</summary>
    public static Gen<byte[]> Variants(byte[] valid) =>
        Gen.Select(Gen.Int[0, 4], Gen.Int[0, int.MaxValue], (kind, seed) => Mutate(valid, kind, seed));

    /// <summary>Fuzzes <paramref name="read"/>; returns the number of cases run (also written to <paramref name="output"/>).</summary>
    public static int Run(ITestOutputHelper output, string reader, byte[] valid, Action<byte[]> read, params Type[] documented)
    {
        var count = 0;
        var refused = 0;
        Variants(valid).Sample(bytes =>
        {
            count++;
            var clock = Stopwatch.StartNew();
            try
            {
                read(bytes);
            }
            catch (Exception ex) when (documented.Contains(ex.GetType()))
            {
                refused++;
            }

            clock.Stop();
            if (clock.Elapsed > CaseBound)
            {
                throw new TimeoutException($"{reader}: one case took {clock.Elapsed.TotalSeconds:F1} s ({bytes.Length} bytes)");
            }
        }, seed: Seed, iter: Cases, threads: 1);
        output.WriteLine($"{reader}: {count} cases ({refused} refused with a documented exception, {count - refused} read), 0 crashes, seed {Seed}");
        return count;
    }

    private static byte[] Mutate(byte[] valid, int kind, int seed)
    {
        var random = new Random(seed);
        var bytes = (byte[])valid.Clone();
        switch (kind)
        {
            case 0:
                var noise = new byte[random.Next(0, 600)];
                random.NextBytes(noise);
                return noise;
            case 1:
                for (var i = random.Next(1, 9); i > 0 && bytes.Length > 0; i--)
                {
                    bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                }

                return bytes;
            case 2:
                return bytes[..random.Next(0, bytes.Length + 1)];
            case 3:
                if (bytes.Length >= 4)
                {
                    var at = random.Next(bytes.Length - 3);
                    var value = Extremes[random.Next(Extremes.Length)];
                    if (random.Next(2) == 0)
                    {
                        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(at), value);
                    }
                    else
                    {
                        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at), value);
                    }
                }

                return bytes;
            default:
                var at2 = random.Next(bytes.Length + 1);
                var splice = new byte[random.Next(1, 64)];
                random.NextBytes(splice);
                return [.. bytes[..at2], .. splice, .. bytes[Math.Min(bytes.Length, at2 + random.Next(0, 64))..]];
        }
    }
}
