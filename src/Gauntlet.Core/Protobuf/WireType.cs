namespace Gauntlet.Core.Protobuf;

/// <summary>The protobuf wire types: the low three bits of a field key, saying how the value is encoded.</summary>
public enum WireType
{
    /// <summary>A base-128 varint: int32, int64, uint32, uint64, sint32, sint64, bool, enum.</summary>
    Varint = 0,

    /// <summary>Eight little-endian bytes: fixed64, sfixed64, double.</summary>
    Fixed64 = 1,

    /// <summary>A varint length, then that many bytes: string, bytes, nested messages, packed repeated fields.</summary>
    LengthDelimited = 2,

    /// <summary>The start of a (deprecated) group, ended by an <see cref="EndGroup"/> key with the same field number.</summary>
    StartGroup = 3,

    /// <summary>The end of a group.</summary>
    EndGroup = 4,

    /// <summary>Four little-endian bytes: fixed32, sfixed32, float.</summary>
    Fixed32 = 5,
}
