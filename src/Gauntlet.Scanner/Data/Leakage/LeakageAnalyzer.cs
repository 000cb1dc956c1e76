using System.Globalization;
using System.Numerics;
using System.Text;

namespace Gauntlet.Scanner.Data.Leakage;

/// <summary>A test sample that repeats a training sample.</summary>
/// <param name="TestIndex">0-based index in the test split.</param>
/// <param name="TrainIndex">0-based index in the training split.</param>
/// <param name="Distance">0 for exact duplicates; mean absolute pixel difference (0-255) for images, 1 - Jaccard for rows and text.</param>
/// <param name="SameLabel">Whether both carry the same label (null when the splits have no labels).</param>
public sealed record DuplicatePair(int TestIndex, int TrainIndex, double Distance, bool? SameLabel);

/// <summary>A feature that predicts the label almost perfectly.</summary>
/// <param name="Column">The feature.</param>
/// <param name="TestAccuracy">Accuracy on the test split of the value → majority-label rule learned on the training split.</param>
/// <param name="Baseline">Accuracy of always predicting the training split's majority label.</param>
public sealed record LabelLeak(string Column, double TestAccuracy, double Baseline);

/// <summary>How far a column's distribution moved between the splits.</summary>
/// <param name="Column">The column (or <c>label</c>, or <c>mean pixel intensity</c> for images).</param>
/// <param name="KsStatistic">Two-sample Kolmogorov-Smirnov D (numeric columns), or null.</param>
/// <param name="KsPValue">Its asymptotic p-value, or null.</param>
/// <param name="Psi">Population stability index over train quantile bins (numeric) or categories.</param>
/// <param name="Flagged">Whether it crossed the thresholds (PSI ≥ 0.25, or D ≥ 0.1 with p &lt; 0.001).</param>
public sealed record DistributionShift(string Column, double? KsStatistic, double? KsPValue, double Psi, bool Flagged);

/// <summary>Everything the leakage analysis found between a training and a test split.</summary>
public sealed class LeakageResult
{
    /// <summary>Samples in the training split.</summary>
    public int TrainCount { get; init; }

    /// <summary>Samples in the test split.</summary>
    public int TestCount { get; init; }

    /// <summary>Whether the splits were read as images (else as rows).</summary>
    public bool Images { get; init; }

    /// <summary>Test samples identical to a training sample (one pair per test sample: its first match).</summary>
    public IReadOnlyList<DuplicatePair> ExactDuplicates { get; init; } = [];

    /// <summary>Test samples that are near copies (not exact) of a training sample: the closest match.</summary>
    public IReadOnlyList<DuplicatePair> NearDuplicates { get; init; } = [];

    /// <summary>Features that leak the label.</summary>
    public IReadOnlyList<LabelLeak> LabelLeaks { get; init; } = [];

    /// <summary>Per-column distribution comparisons (all of them; <see cref="DistributionShift.Flagged"/> marks the findings).</summary>
    public IReadOnlyList<DistributionShift> Shifts { get; init; } = [];
}

/// <summary>
/// Compares a training and a test split for leakage: exact duplicates (hash of the normalised
/// sample), near duplicates (dHash for images, confirmed by pixel distance; MinHash with LSH for
/// rows, confirmed by Jaccard similarity), label leakage (one feature predicting the label) and
/// distribution mismatch (Kolmogorov-Smirnov and PSI).
/// </summary>
public static class LeakageAnalyzer
{
    /// <summary>Largest mean absolute pixel difference (0-255) for two images to count as near duplicates.</summary>
    public const double NearImageDistance = 6.0;

    /// <summary>Largest dHash Hamming distance (of 64 bits) for an image pair to be compared pixel by pixel.</summary>
    public const int HashCandidateBits = 10;

    /// <summary>Smallest Jaccard similarity of token sets for two rows or texts to count as near duplicates.</summary>
    public const double NearJaccard = 0.8;

    /// <summary>Test accuracy at or above which a single feature is reported as leaking the label.</summary>
    public const double LabelLeakAccuracy = 0.99;

    /// <summary>Reads and compares two splits (files or folders); reports as one <see cref="ArtifactReport"/> named after the test split.</summary>
    public static ArtifactReport Compare(string train, string test, ScanOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(train);
        ArgumentException.ThrowIfNullOrEmpty(test);
        options ??= new ScanOptions();
        var name = $"{Path.GetFileName(Path.TrimEndingDirectorySeparator(test))} vs {Path.GetFileName(Path.TrimEndingDirectorySeparator(train))}";
        var context = new ScanContext(options, null);
        SplitData trainData, testData;
        try
        {
            trainData = SplitData.Load(train, options.MaxInMemoryBytes * 4);
            testData = SplitData.Load(test, options.MaxInMemoryBytes * 4);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException or EndOfStreamException or Core.Numpy.NpyFormatException or FormatException)
        {
            context.Add("leakage.not-analysed", Severity.Medium, $"splits not compared: {ex.Message}", name);
            return Report(test, name, context, analysed: false, ex.Message);
        }

        var result = Analyze(trainData, testData);
        AddFindings(result, testData, name, context);
        return Report(test, name, context, analysed: true, null);
    }

    private static ArtifactReport Report(string test, string name, ScanContext context, bool analysed, string? error)
    {
        var findings = context.Findings.OrderByDescending(f => f.Severity).ThenBy(f => f.RuleId, StringComparer.Ordinal).ToList();
        return new ArtifactReport(test, name, ArtifactFormat.Unknown, 0, null, analysed, error, findings);
    }

    /// <summary>Compares two splits already read.</summary>
    internal static LeakageResult Analyze(SplitData train, SplitData test)
    {
        if (train.IsImages != test.IsImages)
        {
            throw new InvalidDataException("one split holds images and the other a table");
        }

        if (train.IsImages)
        {
            if (train.Width != test.Width || train.Height != test.Height)
            {
                throw new InvalidDataException($"train images are {train.Width}x{train.Height}, test images {test.Width}x{test.Height}");
            }

            var (exact, near) = ImageDuplicates(train, test);
            var shifts = new List<DistributionShift> { Numeric("mean pixel intensity", [.. train.Images.Select(Mean)], [.. test.Images.Select(Mean)]) };
            if (train.Labels is not null && test.Labels is not null)
            {
                shifts.Add(Categorical("label", train.Labels, test.Labels));
            }

            return new LeakageResult { TrainCount = train.Count, TestCount = test.Count, Images = true, ExactDuplicates = exact, NearDuplicates = near, Shifts = shifts };
        }

        if (!train.Columns.SequenceEqual(test.Columns))
        {
            throw new InvalidDataException("the splits have different columns");
        }

        var (rowExact, rowNear) = RowDuplicates(train, test);
        return new LeakageResult
        {
            TrainCount = train.Count,
            TestCount = test.Count,
            ExactDuplicates = rowExact,
            NearDuplicates = rowNear,
            LabelLeaks = LabelLeaks(train, test),
            Shifts = ColumnShifts(train, test),
        };
    }

    private static double Mean(byte[] image)
    {
        long sum = 0;
        foreach (var b in image)
        {
            sum += b;
        }

        return image.Length == 0 ? 0 : (double)sum / image.Length;
    }

    private static bool? SameLabel(SplitData train, SplitData test, int trainIndex, int testIndex) =>
        train.Labels is null || test.Labels is null ? null : train.Labels[trainIndex] == test.Labels[testIndex];

    // ---- images ----

    private static (List<DuplicatePair> Exact, List<DuplicatePair> Near) ImageDuplicates(SplitData train, SplitData test)
    {
        var byHash = new Dictionary<ulong, List<int>>();
        for (var i = 0; i < train.Images.Count; i++)
        {
            var h = Hash64(train.Images[i]);
            if (!byHash.TryGetValue(h, out var list))
            {
                byHash[h] = list = [];
            }

            list.Add(i);
        }

        var trainHashes = train.Images.Select(img => DHash(img, train.Width, train.Height)).ToArray();
        var exact = new DuplicatePair?[test.Count];
        var near = new DuplicatePair?[test.Count];
        Parallel.For(0, test.Count, t =>
        {
            var image = test.Images[t];
            var k = byHash.TryGetValue(Hash64(image), out var same) ? same.FindIndex(i => train.Images[i].AsSpan().SequenceEqual(image)) : -1;
            if (k >= 0)
            {
                var first = same![k];
                exact[t] = new DuplicatePair(t, first, 0, SameLabel(train, test, first, t));
                return;
            }

            var hash = DHash(image, test.Width, test.Height);
            var best = double.MaxValue;
            var bestIndex = -1;
            for (var i = 0; i < trainHashes.Length; i++)
            {
                if (BitOperations.PopCount(trainHashes[i] ^ hash) <= HashCandidateBits)
                {
                    var distance = MeanAbsoluteDifference(train.Images[i], image);
                    if (distance < best)
                    {
                        (best, bestIndex) = (distance, i);
                    }
                }
            }

            if (bestIndex >= 0 && best <= NearImageDistance)
            {
                near[t] = new DuplicatePair(t, bestIndex, Math.Round(best, 3), SameLabel(train, test, bestIndex, t));
            }
        });
        return ([.. exact.OfType<DuplicatePair>()], [.. near.OfType<DuplicatePair>()]);
    }

    /// <summary>Difference hash: the image shrunk to 9x8 by area averaging; bit = left pixel brighter than its right neighbour.</summary>
    internal static ulong DHash(byte[] image, int width, int height)
    {
        Span<double> small = stackalloc double[72];
        for (var y = 0; y < 8; y++)
        {
            int y0 = y * height / 8, y1 = Math.Max(y0 + 1, (y + 1) * height / 8);
            for (var x = 0; x < 9; x++)
            {
                int x0 = x * width / 9, x1 = Math.Max(x0 + 1, (x + 1) * width / 9);
                double sum = 0;
                for (var yy = y0; yy < y1; yy++)
                {
                    for (var xx = x0; xx < x1; xx++)
                    {
                        sum += image[(yy * width) + xx];
                    }
                }

                small[(y * 9) + x] = sum / ((y1 - y0) * (x1 - x0));
            }
        }

        ulong hash = 0;
        for (var y = 0; y < 8; y++)
        {
            for (var x = 0; x < 8; x++)
            {
                hash = (hash << 1) | (small[(y * 9) + x] > small[(y * 9) + x + 1] ? 1UL : 0UL);
            }
        }

        return hash;
    }

    private static double MeanAbsoluteDifference(byte[] a, byte[] b)
    {
        long sum = 0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += Math.Abs(a[i] - b[i]);
        }

        return a.Length == 0 ? 0 : (double)sum / a.Length;
    }

    private static ulong Hash64(ReadOnlySpan<byte> data)
    {
        // FNV-1a, 64-bit; equality is always confirmed on the bytes.
        var hash = 14695981039346656037UL;
        foreach (var b in data)
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash;
    }

    // ---- rows and text ----

    private static string Normalise(string[] row, int[] features)
    {
        var text = new StringBuilder();
        foreach (var c in features)
        {
            text.Append(string.Join(' ', row[c].Trim().ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))).Append('\u001f');
        }

        return text.ToString();
    }

    private static HashSet<string> Tokens(string[] row, int[] features)
    {
        var tokens = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in features)
        {
            var words = row[c].ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (words.Length <= 2)
            {
                tokens.Add($"{c}={string.Join(' ', words)}");
                continue;
            }

            // Free text: word 2-shingles, so reordered or lightly edited sentences stay close.
            for (var i = 0; i + 1 < words.Length; i++)
            {
                tokens.Add($"{c}:{words[i]} {words[i + 1]}");
            }
        }

        return tokens;
    }

    private const int MinHashCount = 64;
    private const int Bands = 16;

    private static ulong[] MinHash(HashSet<string> tokens)
    {
        var signature = new ulong[MinHashCount];
        Array.Fill(signature, ulong.MaxValue);
        foreach (var token in tokens)
        {
            var h = Hash64(Encoding.UTF8.GetBytes(token));
            for (var k = 0; k < MinHashCount; k++)
            {
                // k-th hash: a multiply-xorshift mix of the token hash with a per-k constant.
                var x = (h ^ (0x9E3779B97F4A7C15UL * (ulong)(k + 1))) * 0xBF58476D1CE4E5B9UL;
                x ^= x >> 31;
                if (x < signature[k])
                {
                    signature[k] = x;
                }
            }
        }

        return signature;
    }

    private static (List<DuplicatePair> Exact, List<DuplicatePair> Near) RowDuplicates(SplitData train, SplitData test)
    {
        var features = train.FeatureColumns.ToArray();
        var trainKeys = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < train.Rows.Count; i++)
        {
            trainKeys.TryAdd(Normalise(train.Rows[i], features), i);
        }

        var exact = new List<DuplicatePair>();
        var remaining = new List<int>();
        for (var t = 0; t < test.Rows.Count; t++)
        {
            if (trainKeys.TryGetValue(Normalise(test.Rows[t], features), out var i))
            {
                exact.Add(new DuplicatePair(t, i, 0, SameLabel(train, test, i, t)));
            }
            else
            {
                remaining.Add(t);
            }
        }

        var trainTokens = train.Rows.Select(r => Tokens(r, features)).ToArray();
        var buckets = new Dictionary<(int, ulong), List<int>>();
        for (var i = 0; i < trainTokens.Length; i++)
        {
            if (trainTokens[i].Count == 0)
            {
                continue;
            }

            var signature = MinHash(trainTokens[i]);
            for (var b = 0; b < Bands; b++)
            {
                var key = (b, BandKey(signature, b));
                if (!buckets.TryGetValue(key, out var list))
                {
                    buckets[key] = list = [];
                }

                list.Add(i);
            }
        }

        var near = new List<DuplicatePair>();
        foreach (var t in remaining)
        {
            var tokens = Tokens(test.Rows[t], features);
            if (tokens.Count == 0)
            {
                continue;
            }

            var signature = MinHash(tokens);
            var candidates = new HashSet<int>();
            for (var b = 0; b < Bands; b++)
            {
                if (buckets.TryGetValue((b, BandKey(signature, b)), out var list))
                {
                    candidates.UnionWith(list.Take(1000));
                }
            }

            var best = 0.0;
            var bestIndex = -1;
            foreach (var i in candidates)
            {
                var j = Jaccard(tokens, trainTokens[i]);
                if (j > best)
                {
                    (best, bestIndex) = (j, i);
                }
            }

            if (bestIndex >= 0 && best >= NearJaccard)
            {
                near.Add(new DuplicatePair(t, bestIndex, Math.Round(1 - best, 4), SameLabel(train, test, bestIndex, t)));
            }
        }

        return (exact, near);
    }

    private static ulong BandKey(ulong[] signature, int band)
    {
        var rows = MinHashCount / Bands;
        ulong key = 17;
        for (var r = 0; r < rows; r++)
        {
            key = (key * 31) ^ signature[(band * rows) + r];
        }

        return key;
    }

    private static double Jaccard(HashSet<string> a, HashSet<string> b)
    {
        var shared = a.Count(b.Contains);
        return (double)shared / (a.Count + b.Count - shared);
    }

    // ---- label leakage ----

    private static List<LabelLeak> LabelLeaks(SplitData train, SplitData test)
    {
        var leaks = new List<LabelLeak>();
        if (train.LabelColumn < 0 || train.Labels is null || test.Labels is null || test.Count == 0 || train.Count == 0)
        {
            return leaks;
        }

        var majority = train.Labels.GroupBy(l => l, StringComparer.Ordinal).MaxBy(g => g.Count())!.Key;
        var baseline = (double)test.Labels.Count(l => l == majority) / test.Count;
        if (baseline >= LabelLeakAccuracy)
        {
            return leaks; // one class: nothing can be predicted better than the baseline
        }

        foreach (var c in train.FeatureColumns)
        {
            var trainValues = train.Rows.Select(r => r[c]).ToArray();
            var testValues = test.Rows.Select(r => r[c]).ToArray();
            Func<string, string> key = v => v.Trim();
            if (Numbers(trainValues) is { } numbers && numbers.Distinct().Count() > 32)
            {
                var edges = Quantiles(numbers, 32);
                key = v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) ? Bin(edges, x).ToString(CultureInfo.InvariantCulture) : v;
            }

            var rule = trainValues.Select((v, i) => (Key: key(v), Label: train.Labels[i]))
                .GroupBy(p => p.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.GroupBy(p => p.Label, StringComparer.Ordinal).MaxBy(l => l.Count())!.Key, StringComparer.Ordinal);
            var correct = testValues.Select((v, i) => rule.TryGetValue(key(v), out var label) && label == test.Labels[i]).Count(ok => ok);
            var accuracy = (double)correct / test.Count;
            if (accuracy >= LabelLeakAccuracy)
            {
                leaks.Add(new LabelLeak(train.Columns[c], Math.Round(accuracy, 4), Math.Round(baseline, 4)));
            }
        }

        return leaks;
    }

    private static double[]? Numbers(string[] values)
    {
        var numbers = new List<double>(values.Length);
        var failures = 0;
        foreach (var v in values)
        {
            if (double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && double.IsFinite(x))
            {
                numbers.Add(x);
            }
            else if (!string.IsNullOrWhiteSpace(v) && ++failures > values.Length / 20)
            {
                return null;
            }
        }

        return numbers.Count == 0 ? null : [.. numbers];
    }

    private static double[] Quantiles(double[] values, int bins)
    {
        var sorted = values.Order().ToArray();
        return [.. Enumerable.Range(1, bins - 1).Select(q => sorted[(int)((long)q * (sorted.Length - 1) / bins)]).Distinct()];
    }

    private static int Bin(double[] edges, double x)
    {
        var i = Array.BinarySearch(edges, x);
        return i >= 0 ? i : ~i;
    }

    // ---- distribution shift ----

    private static List<DistributionShift> ColumnShifts(SplitData train, SplitData test)
    {
        var shifts = new List<DistributionShift>();
        foreach (var c in train.FeatureColumns.Append(train.LabelColumn).Where(c => c >= 0))
        {
            var a = train.Rows.Select(r => r[c]).ToArray();
            var b = test.Rows.Select(r => r[c]).ToArray();
            if (Numbers(a) is { } x && Numbers(b) is { } y && x.Distinct().Count() > 10)
            {
                shifts.Add(Numeric(train.Columns[c], x, y));
            }
            else if (a.Distinct(StringComparer.Ordinal).Count() <= Math.Max(20, a.Length / 10))
            {
                shifts.Add(Categorical(train.Columns[c], a, b));
            }
        }

        return shifts;
    }

    private static DistributionShift Numeric(string column, double[] train, double[] test)
    {
        var a = train.Order().ToArray();
        var b = test.Order().ToArray();
        var d = 0.0;
        int i = 0, j = 0;
        while (i < a.Length && j < b.Length)
        {
            var v = Math.Min(a[i], b[j]);
            while (i < a.Length && a[i] <= v)
            {
                i++;
            }

            while (j < b.Length && b[j] <= v)
            {
                j++;
            }

            d = Math.Max(d, Math.Abs(((double)i / a.Length) - ((double)j / b.Length)));
        }

        var en = Math.Sqrt((double)a.Length * b.Length / (a.Length + b.Length));
        var lambda = (en + 0.12 + (0.11 / en)) * d;
        var p = 0.0;
        for (var k = 1; k <= 100; k++)
        {
            p += 2 * ((k & 1) == 1 ? 1 : -1) * Math.Exp(-2 * k * k * lambda * lambda);
        }

        p = Math.Clamp(p, 0, 1);
        var edges = Quantiles(a, 10);
        var psi = Psi(a.Select(v => Bin(edges, v)).ToArray(), b.Select(v => Bin(edges, v)).ToArray(), edges.Length + 1);
        return new DistributionShift(column, Math.Round(d, 4), p, Math.Round(psi, 4), psi >= 0.25 || (d >= 0.1 && p < 0.001));
    }

    private static DistributionShift Categorical(string column, string[] train, string[] test)
    {
        var categories = train.GroupBy(v => v, StringComparer.Ordinal).OrderByDescending(g => g.Count()).Take(20).Select((g, i) => (g.Key, i)).ToDictionary(p => p.Key, p => p.i, StringComparer.Ordinal);
        int Index(string v) => categories.TryGetValue(v, out var i) ? i : categories.Count;
        var psi = Psi([.. train.Select(Index)], [.. test.Select(Index)], categories.Count + 1);
        return new DistributionShift(column, null, null, Math.Round(psi, 4), psi >= 0.25);
    }

    private static double Psi(int[] expected, int[] actual, int bins)
    {
        var e = new double[bins];
        var a = new double[bins];
        foreach (var x in expected)
        {
            e[x]++;
        }

        foreach (var x in actual)
        {
            a[x]++;
        }

        double psi = 0;
        for (var i = 0; i < bins; i++)
        {
            var pe = Math.Max(e[i] / Math.Max(1, expected.Length), 1e-4);
            var pa = Math.Max(a[i] / Math.Max(1, actual.Length), 1e-4);
            psi += (pa - pe) * Math.Log(pa / pe);
        }

        return psi;
    }

    // ---- findings ----

    private static void AddFindings(LeakageResult result, SplitData test, string name, ScanContext context)
    {
        var unit = result.Images ? "image" : "row";
        int? Line(int testIndex) => test.FirstLine is { } first ? first + testIndex : null;
        if (result.ExactDuplicates.Count > 0)
        {
            var share = (double)result.ExactDuplicates.Count / Math.Max(1, result.TestCount);
            var conflicting = result.ExactDuplicates.Count(p => p.SameLabel == false);
            context.AddAt("leakage.exact-duplicate", share >= 0.01 ? Severity.High : Severity.Medium,
                string.Create(CultureInfo.InvariantCulture, $"{result.ExactDuplicates.Count:N0} of {result.TestCount:N0} test {unit}s ({share:P2}) are exact copies of training {unit}s{(conflicting > 0 ? $", {conflicting} of them with a different label" : string.Empty)}: {Pairs(result.ExactDuplicates)}"),
                name, Line(result.ExactDuplicates[0].TestIndex), null);
        }

        if (result.NearDuplicates.Count > 0)
        {
            var how = result.Images ? $"dHash within {HashCandidateBits} bits and mean pixel difference <= {NearImageDistance}/255" : $"MinHash/LSH, Jaccard >= {NearJaccard}";
            context.AddAt("leakage.near-duplicate", Severity.Medium,
                string.Create(CultureInfo.InvariantCulture, $"{result.NearDuplicates.Count:N0} of {result.TestCount:N0} test {unit}s are near copies of training {unit}s ({how}): {Pairs(result.NearDuplicates)}"),
                name, Line(result.NearDuplicates[0].TestIndex), null);
        }

        foreach (var leak in result.LabelLeaks)
        {
            context.AddAt("leakage.label", Severity.High,
                string.Create(CultureInfo.InvariantCulture, $"feature '{leak.Column}' alone predicts the label with {leak.TestAccuracy:P2} test accuracy (rule learned on train; majority-class baseline {leak.Baseline:P2})"),
                name, null, leak.Column);
        }

        foreach (var shift in result.Shifts.Where(s => s.Flagged))
        {
            var ks = shift.KsStatistic is { } d ? string.Create(CultureInfo.InvariantCulture, $"KS D = {d:F3} (p = {shift.KsPValue:G3}), ") : string.Empty;
            context.AddAt("leakage.distribution-shift", Severity.Medium,
                string.Create(CultureInfo.InvariantCulture, $"'{shift.Column}' is distributed differently in train and test: {ks}PSI = {shift.Psi:F3} (thresholds: PSI >= 0.25, or D >= 0.1 with p < 0.001)"),
                name, null, shift.Column);
        }
    }

    private static string Pairs(IReadOnlyList<DuplicatePair> pairs)
    {
        var shown = string.Join(", ", pairs.Take(10).Select(p => p.Distance == 0
            ? $"test[{p.TestIndex}] = train[{p.TrainIndex}]"
            : string.Create(CultureInfo.InvariantCulture, $"test[{p.TestIndex}] ~ train[{p.TrainIndex}] ({p.Distance:G3})")));
        return pairs.Count > 10 ? $"{shown}, ... ({pairs.Count - 10:N0} more; 0-based indices)" : $"{shown} (0-based indices)";
    }
}
