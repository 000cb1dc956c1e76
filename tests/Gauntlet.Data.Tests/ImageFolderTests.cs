namespace Gauntlet.Data.Tests;

public sealed class ImageFolderTests : TempDirTest
{
    private void Png(string relative, byte[] samples, int width, int height, int channels) =>
        Write(relative, PngWriter.Encode(samples, width, height, channels));

    [Fact]
    public void Load_SortedClassFoldersAndFiles_ExactPixels()
    {
        Png("root/zebra/b.png", [255, 0], 2, 1, 1);
        Png("root/zebra/a.PNG", [0, 51], 2, 1, 1);
        Png("root/ant/x.png", [102, 204], 2, 1, 1);
        WriteText("root/ant/notes.txt", "ignored");
        var set = ImageFolder.Load(Path.Combine(Dir, "root"));
        Assert.Equal(["ant", "zebra"], set.ClassNames);
        Assert.Equal([0, 1, 1], set.Labels);
        Assert.Equal(new Tensors.Shape(3, 1, 1, 2), set.Images.Shape);
        Assert.Equal([0.4f, 0.8f, 0f, 0.2f, 1f, 0f], set.Images.ToArray());
    }

    [Fact]
    public void Load_RgbImages_ThreeChannels()
    {
        Png("rgb/c0/a.png", [255, 0, 0, 0, 255, 0], 2, 1, 3);
        var set = ImageFolder.Load(Path.Combine(Dir, "rgb"));
        Assert.Equal(new Tensors.Shape(1, 3, 1, 2), set.Images.Shape);
        Assert.Equal([1f, 0f, 0f, 1f, 0f, 0f], set.Images.ToArray());
    }

    [Fact]
    public void Load_SizeMismatch_NamesOffendingFile()
    {
        Png("m/a/1.png", [1, 2, 3, 4], 2, 2, 1);
        Png("m/b/2.png", [1, 2, 3], 3, 1, 1);
        var ex = Assert.Throws<InvalidDataException>(() => ImageFolder.Load(Path.Combine(Dir, "m")));
        Assert.Contains("2.png", ex.Message);
        Assert.Contains("expected 1×2×2", ex.Message);
    }

    [Fact]
    public void Load_ChannelMismatch_NamesOffendingFile()
    {
        Png("k/a/1.png", [1], 1, 1, 1);
        Png("k/a/2.png", [1, 2, 3], 1, 1, 3);
        var ex = Assert.Throws<InvalidDataException>(() => ImageFolder.Load(Path.Combine(Dir, "k")));
        Assert.Contains("2.png", ex.Message);
        Assert.Contains("3×1×1", ex.Message);
    }

    [Fact]
    public void Load_EmptyOrCorrupt_GivesInvalidData()
    {
        Directory.CreateDirectory(Path.Combine(Dir, "empty"));
        Assert.Contains("no class subfolders", Assert.Throws<InvalidDataException>(() => ImageFolder.Load(Path.Combine(Dir, "empty"))).Message);
        Directory.CreateDirectory(Path.Combine(Dir, "nopng/a"));
        Assert.Contains("no .png files", Assert.Throws<InvalidDataException>(() => ImageFolder.Load(Path.Combine(Dir, "nopng"))).Message);
        Write("bad/a/x.png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0]);
        Assert.Contains("x.png", Assert.Throws<InvalidDataException>(() => ImageFolder.Load(Path.Combine(Dir, "bad"))).Message);
        Assert.Throws<DirectoryNotFoundException>(() => ImageFolder.Load(Path.Combine(Dir, "missing")));
    }
}
