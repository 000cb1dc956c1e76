using System.Buffers.Binary;
using Gauntlet.Scanner.Containers;
using Gauntlet.Scanner.Formats;
using Gauntlet.Scanner.Pickle;

namespace Gauntlet.Scanner;

/// <summary>
/// Recognises a format from the first bytes of a stream, falling back to the name only for
/// formats without a magic number (ONNX, TensorFlow, protocol 0/1 pickles). A model renamed to
/// .jpg or .txt is still recognised. safetensors, which has no magic number, is recognised by
/// its whole structure before the short magics it can collide with (pickle's PROTO, gzip).
/// </summary>
internal static class FormatDetector
{
    /// <summary>Bytes of head needed for detection.</summary>
    public const int HeadLength = 4096;

    // pickle.dumps(0x1950a86a20f9469cfc6c, protocol=2): the legacy torch.save magic number.
    private static readonly byte[] LegacyTorchMagic = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];

    private static readonly byte[] SevenZipMagic = [(byte)'7', (byte)'z', 0xbc, 0xaf, 0x27, 0x1c];
    private static readonly byte[] NumpyMagic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];
    private static readonly byte[] Hdf5Magic = [0x89, (byte)'H', (byte)'D', (byte)'F', 0x0d, 0x0a, 0x1a, 0x0a];

    // Names that only ever hold pickles: anything in them is analysed as one, so garbage is reported as malformed.
    private static readonly string[] PickleOnlyExtensions = [".pkl", ".pickle", ".dill", ".joblib", ".p", ".sav"];

    private static readonly string[] PickleExtensions = [".pkl", ".pickle", ".dill", ".joblib", ".pt", ".pth", ".bin", ".ckpt", ".sav", ".p", ".model", ".mar"];

    public static ArtifactFormat Detect(ReadOnlySpan<byte> head, string name, long length)
    {
        var extension = Extension(name);
        if (TolerantZipReader.LooksLikeZip(head))
        {
            return ArtifactFormat.Zip;
        }

        if (head.StartsWith(SevenZipMagic))
        {
            return ArtifactFormat.SevenZip;
        }

        if (CompressedStreamAnalyzer.CodecOf(head) is not null and not CompressedStreamAnalyzer.Codec.Gzip and not CompressedStreamAnalyzer.Codec.Zlib)
        {
            return ArtifactFormat.Compressed;
        }

        if (head.StartsWith(NumpyMagic))
        {
            return ArtifactFormat.NumPy;
        }

        if (head.StartsWith("GGUF"u8))
        {
            return ArtifactFormat.Gguf;
        }

        if (head.StartsWith(Hdf5Magic))
        {
            return ArtifactFormat.Hdf5;
        }

        if (head.StartsWith(LegacyTorchMagic))
        {
            return ArtifactFormat.PyTorchLegacy;
        }

        // safetensors has no magic: its first 8 bytes are the header length, which can read as
        // a pickle PROTO (a 128-byte header: 80 00 …) or a gzip magic. Its whole structure is
        // checked before those two-byte magics are believed.
        if (SafetensorsAnalyzer.HasStructure(head, length) && !CouldRunAsPickle(head) && !IsGzip(head))
        {
            return ArtifactFormat.Safetensors;
        }

        if (head.Length >= 2 && (PickleOpcode)head[0] == PickleOpcode.Proto && head[1] <= 5)
        {
            return extension == ".joblib" ? ArtifactFormat.Joblib : ArtifactFormat.Pickle;
        }

        if (head.Length >= 2 && head[0] == 0x1f && head[1] == 0x8b)
        {
            return ArtifactFormat.Compressed;
        }

        if (head.Length >= 262 && head.Slice(257, 5).SequenceEqual("ustar"u8))
        {
            return ArtifactFormat.Tar;
        }

        // A broken safetensors file (bad JSON, offsets out of bounds) is still analysed as one,
        // so its header is reported. The name alone is not trusted: a pickle called
        // .safetensors was caught above.
        if (LooksLikeSafetensors(head, length) || extension == ".safetensors")
        {
            return ArtifactFormat.Safetensors;
        }

        if (extension == ".onnx")
        {
            return ArtifactFormat.Onnx;
        }

        if (extension is ".pb")
        {
            return ArtifactFormat.TensorFlow;
        }

        var pickleName = Array.IndexOf(PickleExtensions, extension) >= 0;
        if (head.Length >= 2 && head[0] == 0x78 && head[1] is 0x01 or 0x5e or 0x9c or 0xda && pickleName)
        {
            return ArtifactFormat.Compressed;
        }

        if (head.Length > 0 && Array.IndexOf(PickleOnlyExtensions, extension) >= 0)
        {
            return extension == ".joblib" ? ArtifactFormat.Joblib : ArtifactFormat.Pickle;
        }

        // Protocol 0/1 pickles have no magic: a first byte like theirs is only a guess, so the
        // opcodes are walked (PickleProbe) and bytes a real unpickler would refuse are not one.
        if (LooksLikeProtocol0(head, pickleName, length) && PickleProbe.Problem(head, head.Length >= length) is null)
        {
            return ArtifactFormat.Pickle;
        }

        return ArtifactFormat.Unknown;
    }

    /// <summary>
    /// Why bytes that start like a protocol 0/1 pickle were not taken as one, or null when they
    /// do not start like one (or are one). Used to say "not a pickle" instead of "not recognised".
    /// </summary>
    public static string? WhyNotPickle(ReadOnlySpan<byte> head, string name, long length) =>
        LooksLikeProtocol0(head, Array.IndexOf(PickleExtensions, Extension(name)) >= 0, length) ? PickleProbe.Problem(head, head.Length >= length) : null;

    private static bool LooksLikeProtocol0(ReadOnlySpan<byte> head, bool pickleName, long length) =>
        (head.Length > 0 && pickleName && head[0] is (byte)'(' or (byte)'c' or (byte)']' or (byte)'}' or (byte)')' or (byte)'N' or (byte)'I' or (byte)'S' or (byte)'V' or (byte)'l' or (byte)'d' or (byte)'i' or (byte)'K' or (byte)'J' or (byte)'X' or (byte)'U' or (byte)'T' or (byte)'F' or (byte)'G')
        || (head.Length > 0 && head[0] is (byte)'(' or (byte)'c' && head.IndexOf((byte)'\n') > 0 && length < 1 << 20);

    public static string Extension(string name)
    {
        var slash = Math.Max(name.LastIndexOf('/'), name.LastIndexOf('!'));
        var file = slash >= 0 ? name[(slash + 1)..] : name;
        var dot = file.LastIndexOf('.');
        return dot >= 0 ? file[dot..].ToLowerInvariant() : string.Empty;
    }

    /// <summary>
    /// Whether a file that is valid safetensors could still do something as a pickle. After
    /// PROTO and its argument, a pickle reader takes byte 2 as the next opcode; when that byte is
    /// not an opcode (always so for headers under 64 KiB, whose length has a zero there) the
    /// reader fails before importing or calling anything, so the file is only safetensors. Any
    /// other polyglot is analysed as the pickle it can also be.
    /// </summary>
    private static bool CouldRunAsPickle(ReadOnlySpan<byte> head) =>
        (PickleOpcode)head[0] == PickleOpcode.Proto && head[1] <= 5 && Enum.IsDefined((PickleOpcode)head[2]);

    // The loose test: a header length that fits the file, then '{'.
    private static bool LooksLikeSafetensors(ReadOnlySpan<byte> head, long length)
    {
        if (head.Length < 10)
        {
            return false;
        }

        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(head);
        return head[8] == '{' && headerLength >= 2 && headerLength <= (ulong)Math.Max(0, length - 8);
    }

    // gzip: magic 1f 8b and compression method 8 (deflate), the only one defined.
    private static bool IsGzip(ReadOnlySpan<byte> head) => head.Length >= 3 && head[0] == 0x1f && head[1] == 0x8b && head[2] == 8;
}
