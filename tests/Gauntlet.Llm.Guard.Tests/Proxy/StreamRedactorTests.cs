using Gauntlet.Llm.Guard.Proxy;
using Gauntlet.Llm.Validation;

namespace Gauntlet.Llm.Guard.Tests.Proxy;

public sealed class StreamRedactorTests
{
    private const string Canary = "CANARY-ABCDEFGH";

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    public void ASecretSplitAcrossChunks_NeverLeaves(int chunk)
    {
        var validator = new OutputValidator(new OutputRules { Canaries = [Canary] });
        var redactor = new StreamRedactor(validator, window: Canary.Length + 8, block: false);
        var text = "Hello there, the token is " + Canary + " and that is all I can say today.";
        var released = new List<string>();
        for (var i = 0; i < text.Length; i += chunk)
        {
            released.Add(redactor.Push(text.Substring(i, Math.Min(chunk, text.Length - i))));
        }

        released.Add(redactor.Flush());
        var joined = string.Concat(released);
        Assert.Equal("Hello there, the token is [REDACTED:canary] and that is all I can say today.", joined);

        // No released piece holds even a 5-character prefix of the canary.
        Assert.DoesNotContain(released, r => r.Contains("CANAR", StringComparison.Ordinal));
        Assert.Equal(1, redactor.Redactions);
    }

    [Fact]
    public void BlockMode_StopsTheStream()
    {
        var redactor = new StreamRedactor(new OutputValidator(new OutputRules { Canaries = [Canary] }), window: 32, block: true);
        var first = redactor.Push("Some harmless text that is long enough to release. ");
        var second = redactor.Push("Here: " + Canary + " and more text after it, quite a lot more of it.");
        var rest = redactor.Flush();
        Assert.True(redactor.Blocked);
        Assert.DoesNotContain(Canary, first + second + rest, StringComparison.Ordinal);
        Assert.Contains(StreamRedactor.BlockedNotice, second + rest, StringComparison.Ordinal);
    }
}
