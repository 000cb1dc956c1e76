using Gauntlet.Data;

namespace Gauntlet.Privacy.Membership;

/// <summary>
/// The candidates of a membership-inference test: images known to be in the target's training set
/// and images known not to be, with their labels.
/// </summary>
public sealed record MembershipData
{
    /// <summary>Pairs members and non-members after checking they can be compared.</summary>
    /// <exception cref="ArgumentException">A side is empty, or the two differ in image shape or class count.</exception>
    public MembershipData(LabeledImages members, LabeledImages nonMembers)
    {
        ArgumentNullException.ThrowIfNull(members);
        ArgumentNullException.ThrowIfNull(nonMembers);
        if (members.Count == 0 || nonMembers.Count == 0)
        {
            throw new ArgumentException($"membership inference needs both members and non-members; got {members.Count} members and {nonMembers.Count} non-members.", nameof(members));
        }

        var m = members.Images.Shape.Dims[1..].ToArray();
        var n = nonMembers.Images.Shape.Dims[1..].ToArray();
        if (!m.SequenceEqual(n))
        {
            throw new ArgumentException($"members are images of shape [{string.Join(", ", m)}] but non-members [{string.Join(", ", n)}]; both must have the same shape.", nameof(nonMembers));
        }

        if (members.ClassCount != nonMembers.ClassCount)
        {
            throw new ArgumentException($"members have {members.ClassCount} classes but non-members {nonMembers.ClassCount}; both must be labelled for the same classes.", nameof(nonMembers));
        }

        Members = members;
        NonMembers = nonMembers;
    }

    /// <summary>Images in the target's training set.</summary>
    public LabeledImages Members { get; }

    /// <summary>Images not in the target's training set.</summary>
    public LabeledImages NonMembers { get; }
}
