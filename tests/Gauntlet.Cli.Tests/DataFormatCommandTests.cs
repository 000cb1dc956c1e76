using System.Text;
using System.Text.Json;
using Gauntlet.Data;

namespace Gauntlet.Cli.Tests;

public sealed class DataFormatCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gauntlet-formats-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static void WriteNpy(string path, string descr, int[] shape, byte[] payload)
    {
        var header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({string.Join(", ", shape)}{(shape.Length == 1 ? "," : "")}), }}";
        var total = 10 + header.Length + 1;
        header += new string(' ', ((total + 63) / 64 * 64) - total) + "\n";
        using var f = File.Create(path);
        f.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        f.Write(BitConverter.GetBytes((ushort)header.Length));
        f.Write(Encoding.ASCII.GetBytes(header));
        f.Write(payload);
    }

    [Fact]
    public void Eval_NpyImagesWithNpyLabels_MatchesTheSameImagesFromIdx()
    {
        var demo = FashionMnist.LoadEmbeddedDemo().Take(200);
        var pixels = demo.Images.ToArray().Select(v => (byte)MathF.Round(v * 255f)).ToArray();
        var images = Path.Combine(_dir, "x.npy");
        var labels = Path.Combine(_dir, "y.npy");
        WriteNpy(images, "|u1", [200, 28, 28], pixels);
        WriteNpy(labels, "<i8", [200], [.. demo.Labels.SelectMany(l => BitConverter.GetBytes((long)l))]);

        var fromNpy = Path.Combine(_dir, "npy.json");
        var fromIdx = Path.Combine(_dir, "idx.json");
        var (code, _, _, error) = CliRunner.Run("eval", "demo", "--data", images, "--labels", labels, "--json", fromNpy);
        Assert.True(code == 0, error);
        Assert.Equal(0, CliRunner.Run("eval", "demo", "--data", "demo", "--limit", "200", "--json", fromIdx).Code);
        using var a = JsonDocument.Parse(File.ReadAllText(fromNpy));
        using var b = JsonDocument.Parse(File.ReadAllText(fromIdx));
        Assert.Equal(200, a.RootElement.GetProperty("n").GetInt32());
        Assert.Equal(b.RootElement.GetProperty("accuracy").GetDouble(), a.RootElement.GetProperty("accuracy").GetDouble(), 3);
    }

    [Fact]
    public void Train_OnPngImageFolder_HoldsOutTenPercent()
    {
        var demo = FashionMnist.LoadEmbeddedDemo().Take(60);
        for (var i = 0; i < demo.Count; i++)
        {
            var folder = Directory.CreateDirectory(Path.Combine(_dir, "images", $"class{demo.Labels[i]}")).FullName;
            PngWriter.Write(Path.Combine(folder, $"{i:D3}.png"), Gauntlet.Tensors.Ops.Reshape(Gauntlet.Tensors.Ops.Slice(demo.Images, 0, i, i + 1), 1, 28, 28));
        }

        var (code, console, _, error) = CliRunner.Run("train", "--arch", "mlp", "--data", Path.Combine(_dir, "images"), "--epochs", "1");
        Assert.True(code == 0, error);
        Assert.Contains("train 54 images", console);
        Assert.Contains("test 6", console);
    }

    [Fact]
    public void Eval_NpyWithoutLabels_IsOneLineUserError()
    {
        var images = Path.Combine(_dir, "x.npy");
        WriteNpy(images, "|u1", [2, 28, 28], new byte[2 * 784]);
        var (code, _, _, error) = CliRunner.Run("eval", "demo", "--data", images);
        Assert.Equal(CliApp.ExitUserError, code);
        Assert.Single(error.Trim().Split('\n'));
    }
}
