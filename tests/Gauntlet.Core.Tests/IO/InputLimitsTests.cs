using Gauntlet.Core.IO;

namespace Gauntlet.Core.Tests.IO;

// The limits read environment variables on each use; these tests set them, so they do not run in parallel with each other.
[Collection(nameof(InputLimitsTests))]
public sealed class InputLimitsTests : IDisposable
{
    public void Dispose()
    {
        Environment.SetEnvironmentVariable(InputLimits.InputBytesVariable, null);
        Environment.SetEnvironmentVariable(InputLimits.MaxClassesVariable, null);
        Environment.SetEnvironmentVariable(InputLimits.MaxNestingDepthVariable, null);
    }

    [Fact]
    public void Defaults_AreTheDocumentedOnes()
    {
        Assert.Equal(4L << 30, InputLimits.DefaultInputBytes);
        Assert.Equal(256L << 20, InputLimits.DefaultTableBytes);
        Assert.Equal(16L << 20, InputLimits.DefaultDocumentBytes);
        Assert.Equal(100_000, InputLimits.DefaultMaxClasses);
        Assert.Equal(64, InputLimits.DefaultMaxNestingDepth);
    }

    [Theory]
    [InlineData("12345", 12345L)]
    [InlineData("8K", 8L << 10)]
    [InlineData("512m", 512L << 20)]
    [InlineData("16G", 16L << 30)]
    public void InputBytes_ReadsTheVariable_WithBinarySuffixes(string value, long expected)
    {
        Environment.SetEnvironmentVariable(InputLimits.InputBytesVariable, value);

        Assert.Equal(expected, InputLimits.InputBytes.Bytes);
        Assert.Equal("set GAUNTLET_MAX_INPUT_BYTES to raise it", InputLimits.InputBytes.HowToRaise);
    }

    [Theory]
    [InlineData("lots")]
    [InlineData("-5")]
    [InlineData("0")]
    [InlineData("99999999999G")]
    public void InputBytes_RefusesAMalformedVariable_NamingIt(string value)
    {
        Environment.SetEnvironmentVariable(InputLimits.InputBytesVariable, value);

        var ex = Assert.Throws<FormatException>(() => InputLimits.InputBytes);

        Assert.StartsWith($"GAUNTLET_MAX_INPUT_BYTES='{value}'", ex.Message);
    }

    [Fact]
    public void MaxNestingDepth_CannotBeRaisedPastTheCeiling()
    {
        Environment.SetEnvironmentVariable(InputLimits.MaxNestingDepthVariable, "5000");

        Assert.Throws<FormatException>(() => InputLimits.MaxNestingDepth);
    }

    [Fact]
    public void MaxClasses_ReadsTheVariable()
    {
        Environment.SetEnvironmentVariable(InputLimits.MaxClassesVariable, "21841");

        Assert.Equal(21841, InputLimits.MaxClasses);
    }
}
