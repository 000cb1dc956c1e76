namespace Gauntlet.Data;

/// <summary>
/// The embedded demo model: Gauntlet's <c>cnn-small</c> trained by Gauntlet on Fashion-MNIST and
/// exported as ONNX (the command is recorded in docs/data.md; its training log is
/// Demo/demo-cnn.train.json). It pairs with <see cref="FashionMnist.LoadEmbeddedDemo"/>.
/// </summary>
public static class DemoModel
{
    /// <summary>The name the CLI accepts in place of a model path.</summary>
    public const string Name = "demo";

    /// <summary>The ONNX bytes of the demo model.</summary>
    public static byte[] OnnxBytes()
    {
        using var stream = typeof(DemoModel).Assembly.GetManifestResourceStream("Gauntlet.Data.Demo.demo-cnn.onnx")
            ?? throw new InvalidOperationException("embedded resource demo-cnn.onnx is missing from Gauntlet.Data; the build is broken.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
