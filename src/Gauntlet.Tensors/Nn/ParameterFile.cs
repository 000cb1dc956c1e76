using System.Buffers.Binary;
using System.Text;
using Gauntlet.Core.IO;

namespace Gauntlet.Tensors.Nn;

/// <summary>
/// Saves and loads named tensors (a module's <see cref="Module.StateDict"/>) in a small,
/// versioned little-endian format: magic <c>GNTP</c>, version, entry count, then per entry the
/// UTF-8 name, rank, dimensions and float32 values. Writes go through <see cref="AtomicFile"/>, so a
/// failed save never leaves a partial file behind.
/// </summary>
public static class ParameterFile
{
    private const uint Magic = 0x50544E47; // "GNTP" little-endian
    private const int FormatVersion = 1;
    private const int MaxRank = 8;
    private const int MaxNameBytes = 4096;

    /// <summary>Writes <paramref name="state"/> to <paramref name="path"/> atomically.</summary>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> state)
    {
        AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            writer.Write(Magic);
            writer.Write(FormatVersion);
            writer.Write(state.Count);
            foreach (var (name, tensor) in state.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                var nameBytes = Encoding.UTF8.GetBytes(name);
                writer.Write(nameBytes.Length);
                writer.Write(nameBytes);
                writer.Write(tensor.Rank);
                foreach (var d in tensor.Shape.Dims)
                {
                    writer.Write(d);
                }

                var bytes = new byte[tensor.Size * sizeof(float)];
                for (var i = 0; i < tensor.Size; i++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), tensor.ReadOnlySpan[i]);
                }

                writer.Write(bytes);
            }
        });
    }

    /// <summary>Reads a file written by <see cref="Save"/>, through <see cref="Gauntlet.Core.IO.InputFile"/> (a regular file within <see cref="Gauntlet.Core.IO.InputLimits.InputBytes"/>); each entry's size is checked against the bytes left before it is allocated.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The path is a folder, not a regular file or too large; the file is not a Gauntlet parameter file, is truncated, or is corrupt; the message names the file and the entry.</exception>
    public static Dictionary<string, Tensor> Load(string path)
    {
        using var stream = Gauntlet.Core.IO.InputFile.OpenRead(path, "parameter file");
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        var state = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var entry = "header";
        try
        {
            if (reader.ReadUInt32() != Magic)
            {
                throw new InvalidDataException($"{path}: not a Gauntlet parameter file (expected magic 'GNTP').");
            }

            var version = reader.ReadInt32();
            if (version != FormatVersion)
            {
                throw new InvalidDataException($"{path}: parameter file version {version} is not supported (expected {FormatVersion}).");
            }

            var count = reader.ReadInt32();
            if (count < 0 || count > 1_000_000)
            {
                throw new InvalidDataException($"{path}: entry count {count} is invalid.");
            }

            for (var e = 0; e < count; e++)
            {
                entry = $"entry {e}";
                var nameLength = reader.ReadInt32();
                if (nameLength <= 0 || nameLength > MaxNameBytes)
                {
                    throw new InvalidDataException($"{path}: {entry} has an invalid name length {nameLength}.");
                }

                var name = Encoding.UTF8.GetString(reader.ReadBytes(nameLength));
                entry = $"entry '{name}'";
                var rank = reader.ReadInt32();
                if (rank < 0 || rank > MaxRank)
                {
                    throw new InvalidDataException($"{path}: {entry} has rank {rank}; expected 0..{MaxRank}.");
                }

                var dims = new int[rank];
                long size = 1;
                for (var d = 0; d < rank; d++)
                {
                    dims[d] = reader.ReadInt32();
                    if (dims[d] < 0)
                    {
                        throw new InvalidDataException($"{path}: {entry} has a negative dimension.");
                    }

                    size *= dims[d];
                }

                if (size * sizeof(float) > stream.Length - stream.Position)
                {
                    throw new InvalidDataException($"{path}: {entry} declares {size} values but the file ends first (truncated).");
                }

                var bytes = reader.ReadBytes((int)size * sizeof(float));
                var data = new float[size];
                for (var i = 0; i < data.Length; i++)
                {
                    data[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * 4));
                }

                if (!state.TryAdd(name, Tensor.FromArray(data, dims)))
                {
                    throw new InvalidDataException($"{path}: {entry} appears twice.");
                }
            }

            if (stream.Position != stream.Length)
            {
                throw new InvalidDataException($"{path}: {stream.Length - stream.Position} unexpected bytes after the last entry.");
            }
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException($"{path}: file is truncated (in {entry}).");
        }

        return state;
    }
}
