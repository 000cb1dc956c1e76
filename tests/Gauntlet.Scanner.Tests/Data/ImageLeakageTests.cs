using Gauntlet.Scanner.Data.Leakage;

namespace Gauntlet.Scanner.Tests.Data;

public sealed class ImageLeakageTests
{
    /// <summary>A random 7x7 grid of grey levels blown up to 28x28: distinct seeds give images far apart, and the blocks keep the dHash stable under small noise.</summary>
    private static byte[] Image(int seed)
    {
        var random = new Random(seed);
        var grid = new byte[49];
        random.NextBytes(grid);
        var image = new byte[28 * 28];
        for (var y = 0; y < 28; y++)
        {
            for (var x = 0; x < 28; x++)
            {
                image[(y * 28) + x] = (byte)Math.Clamp((int)grid[((y / 4) * 7) + (x / 4)], 10, 245);
            }
        }

        return image;
    }

    [Fact]
    public void ExactAndNearDuplicateImagesAreFoundByIndex()
    {
        var trainImages = Enumerable.Range(0, 50).Select(Image).ToList();
        var testImages = Enumerable.Range(100, 20).Select(Image).ToList();
        testImages[3] = (byte[])trainImages[7].Clone();
        var noisy = (byte[])trainImages[11].Clone();
        for (var i = 0; i < noisy.Length; i += 3)
        {
            noisy[i] = (byte)Math.Clamp(noisy[i] + 4, 0, 255);
        }

        testImages[5] = noisy;
        var train = new SplitData { Source = "train", Images = trainImages, Width = 28, Height = 28, Labels = [.. trainImages.Select((_, i) => (i % 3).ToString(System.Globalization.CultureInfo.InvariantCulture))] };
        var test = new SplitData { Source = "test", Images = testImages, Width = 28, Height = 28, Labels = [.. testImages.Select(_ => "1")] };
        var result = LeakageAnalyzer.Analyze(train, test);
        var exact = Assert.Single(result.ExactDuplicates);
        Assert.Equal((3, 7, true), (exact.TestIndex, exact.TrainIndex, exact.SameLabel!.Value)); // train[7] has label 7 % 3 = 1, as every test image
        var near = Assert.Single(result.NearDuplicates);
        Assert.Equal((5, 11), (near.TestIndex, near.TrainIndex));
        Assert.InRange(near.Distance, 1.0, 1.5); // +4 on a third of the pixels
    }

    [Fact]
    public void DHashIgnoresSmallBrightnessChanges()
    {
        var image = Image(3);
        var brighter = image.Select(b => (byte)Math.Min(255, b + 10)).ToArray();
        Assert.True(System.Numerics.BitOperations.PopCount(LeakageAnalyzer.DHash(image, 28, 28) ^ LeakageAnalyzer.DHash(brighter, 28, 28)) <= 4);
    }
}

public sealed class SplitPairingTests
{
    [Fact]
    public void AFolderScanComparesFilesNamedTrainAndTest()
    {
        var folder = Directory.CreateTempSubdirectory("gauntlet-pairs-").FullName;
        try
        {
            var rows = string.Concat(Enumerable.Range(0, 50).Select(i => $"{i * 3},{i % 7},{i % 2}\n"));
            File.WriteAllText(Path.Combine(folder, "iris_train.csv"), "a,b,label\n" + rows);
            File.WriteAllText(Path.Combine(folder, "iris_test.csv"), "a,b,label\n0,0,0\n9999,1,0\n"); // the first row repeats train row 0
            var report = ModelScanner.Scan(folder);
            var pair = Assert.Single(report.Artifacts, a => a.RelativePath == "iris_test.csv vs iris_train.csv");
            var exact = Assert.Single(pair.Findings, f => f.RuleId == "leakage.exact-duplicate");
            Assert.StartsWith("1 of 2 test rows", exact.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(ModelScanner.Scan(folder, new ScanOptions { PairSplits = false }).Artifacts, a => a.RelativePath.Contains(" vs ", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
