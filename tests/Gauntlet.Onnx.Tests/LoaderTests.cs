using Gauntlet.Tensors;
using static Gauntlet.Onnx.Tests.TestModels;

namespace Gauntlet.Onnx.Tests;

public sealed class LoaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gauntlet-onnx-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Round_trips_nodes_attributes_initializers_and_symbolic_shapes()
    {
        var path = Path.Combine(_dir, "cnn.onnx");
        OnnxWriter.Save(SmallCnn(), path);
        var model = OnnxModel.Load(path);
        Assert.Equal(17, model.DefaultOpset);
        Assert.Equal(10, model.Graph.Nodes.Count);
        Assert.Equal("Conv", model.Graph.Nodes[0].OpType);
        Assert.Equal([1L, 1, 1, 1], model.Graph.Nodes[0].Attributes["pads"].Ints);
        var x = Assert.Single(model.Graph.Inputs);
        Assert.Equal("[batch, 2, 4, 4]", x.ShapeText);
        Assert.Equal(Random(1, 72), model.Graph.Initializers["w1"].FloatData);
        Assert.Equal(new long[] { -1 }, model.Graph.Initializers["minus1"].IntData!);
        var (count, bytes) = model.ParameterStats();
        Assert.Equal(72 + 4 + 48 + 3 + 3, count);
        Assert.Equal((127 * 4) + (3 * 8), bytes);
    }

    [Fact]
    public void Reads_the_backend_conv_model()
    {
        var model = OnnxModel.Load(Path.Combine(ConformanceTests.DataRoot, "node/test_conv_with_strides_padding/model.onnx"));
        var node = Assert.Single(model.Graph.Nodes);
        Assert.Equal("Conv", node.OpType);
        Assert.Equal([2L, 2], node.Attributes["strides"].Ints);
        Assert.Empty(OnnxSession.UnsupportedOps(model));
    }

    [Fact]
    public void Executes_a_graph_with_a_dynamic_batch_and_a_folded_shape_path()
    {
        var session = new OnnxSession(SmallCnn());
        foreach (var batch in new[] { 1, 3 })
        {
            var y = session.Forward(Tensor.FromArray(Random(9, batch * 32), batch, 2, 4, 4));
            Assert.Equal([batch, 3], y.Shape.ToArray());
            for (var i = 0; i < batch; i++)
            {
                Assert.Equal(1f, y[i, 0] + y[i, 1] + y[i, 2], 4);
            }
        }
    }

    [Fact]
    public void Reads_external_data_next_to_the_model()
    {
        var path = Path.Combine(_dir, "ext.onnx");
        using (var data = File.Create(Path.Combine(_dir, "weights.bin")))
        {
            File.WriteAllBytes(path, OnnxWriter.ToBytes(SmallCnn(), "weights.bin", data));
        }

        var model = OnnxModel.Load(path);
        Assert.Equal(Random(3, 48), model.Graph.Initializers["w2"].FloatData);
        var expected = new OnnxSession(SmallCnn()).Forward(Tensor.FromArray(Random(9, 32), 1, 2, 4, 4));
        var actual = new OnnxSession(model).Forward(Tensor.FromArray(Random(9, 32), 1, 2, 4, 4));
        Assert.Equal(expected.ToArray(), actual.ToArray());
    }

    [Theory]
    [InlineData("../outside.bin")]
    [InlineData("/etc/passwd")]
    [InlineData("sub/../../outside.bin")]
    public void Refuses_external_data_outside_the_model_folder(string location)
    {
        var inner = Directory.CreateDirectory(Path.Combine(_dir, "model")).FullName;
        File.WriteAllBytes(Path.Combine(_dir, "outside.bin"), new byte[4096]);
        var path = Path.Combine(inner, "ext.onnx");
        using (var data = new MemoryStream())
        {
            File.WriteAllBytes(path, OnnxWriter.ToBytes(SmallCnn(), location, data));
        }

        var e = Assert.Throws<InvalidDataException>(() => OnnxModel.Load(path));
        Assert.Contains("ext.onnx", e.Message, StringComparison.Ordinal);
        Assert.Contains("escapes the model's folder", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_external_data_through_a_symlink_leaving_the_folder()
    {
        var inner = Directory.CreateDirectory(Path.Combine(_dir, "model")).FullName;
        var outside = Path.Combine(_dir, "outside.bin");
        var path = Path.Combine(inner, "ext.onnx");
        using (var data = File.Create(outside))
        {
            File.WriteAllBytes(path, OnnxWriter.ToBytes(SmallCnn(), "link.bin", data));
        }

        File.CreateSymbolicLink(Path.Combine(inner, "link.bin"), outside);
        var e = Assert.Throws<InvalidDataException>(() => OnnxModel.Load(path));
        Assert.Contains("resolves outside the model's folder", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_files_give_InvalidDataException_naming_the_file()
    {
        var good = OnnxWriter.ToBytes(SmallCnn());
        var rng = new Random(5);
        var cases = new List<byte[]>
        {
            Array.Empty<byte>(),
            new byte[] { 0xFF, 0xFF, 0xFF },
            good[..(good.Length / 2)],
            good[..17],
            "not a model at all"u8.ToArray(),
        };
        for (var i = 0; i < 40; i++)
        {
            var copy = (byte[])good.Clone();
            for (var k = 0; k < 4; k++)
            {
                copy[rng.Next(copy.Length)] = (byte)rng.Next(256);
            }

            cases.Add(copy);
        }

        var path = Path.Combine(_dir, "bad.onnx");
        var rejected = 0;
        foreach (var bytes in cases)
        {
            File.WriteAllBytes(path, bytes);
            try
            {
                OnnxModel.Load(path);
            }
            catch (InvalidDataException e)
            {
                Assert.Contains("bad.onnx", e.Message, StringComparison.Ordinal);
                rejected++;
            }
        }

        Assert.True(rejected >= 5, $"only {rejected} of {cases.Count} corrupted files were rejected");
    }

    [Fact]
    public void Huge_declared_dims_without_data_are_rejected_without_allocating()
    {
        // TensorProto: dims = [100000, 100000], data_type = FLOAT, no data.
        var path = Path.Combine(_dir, "huge.pb");
        File.WriteAllBytes(path, [0x08, 0xA0, 0x8D, 0x06, 0x08, 0xA0, 0x8D, 0x06, 0x10, 0x01]);
        var e = Assert.Throws<InvalidDataException>(() => OnnxModel.LoadTensor(path));
        Assert.Contains("huge.pb", e.Message, StringComparison.Ordinal);

        File.WriteAllBytes(path, [0x08, 0xE8, 0x07, 0x08, 0xE8, 0x07, 0x10, 0x01]);
        e = Assert.Throws<InvalidDataException>(() => OnnxModel.LoadTensor(path));
        Assert.Contains("expected 1000000", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deeply_nested_subgraphs_are_rejected_not_a_stack_overflow()
    {
        // graph { node { op_type "If" attribute { name "g" g { graph ... } } } }, 2,000 levels deep.
        static byte[] Field(int field, byte[] body)
        {
            var len = new List<byte>();
            var v = (uint)body.Length;
            while (v >= 0x80)
            {
                len.Add((byte)(v | 0x80));
                v >>= 7;
            }

            len.Add((byte)v);
            return [(byte)((field << 3) | 2), .. len, .. body];
        }

        var graph = Array.Empty<byte>();
        for (var i = 0; i < 2_000; i++)
        {
            var attribute = Field(1, "g"u8.ToArray()).Concat(Field(6, graph)).ToArray();
            var node = Field(4, "If"u8.ToArray()).Concat(Field(5, attribute)).ToArray();
            graph = Field(1, node);
        }

        var path = Path.Combine(_dir, "deep.onnx");
        File.WriteAllBytes(path, Field(7, graph));
        var e = Assert.Throws<InvalidDataException>(() => OnnxModel.Load(path));
        Assert.Contains("nested", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unsupported_ops_are_listed_before_running()
    {
        var model = Model(
            [Node("Relu", ["x"], ["a"]), Node("Cosh", ["a"], ["b"]), Node("Foo", ["b"], ["y"])],
            [],
            [Info("x", 2)],
            [Info("y", 2)]);
        Assert.Equal(["Cosh", "Foo"], OnnxSession.UnsupportedOps(model));
        var e = Assert.Throws<NotSupportedException>(() => new OnnxSession(model));
        Assert.Contains("Cosh, Foo", e.Message, StringComparison.Ordinal);
    }
}
