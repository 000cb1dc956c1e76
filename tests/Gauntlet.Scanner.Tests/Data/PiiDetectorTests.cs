using System.Text;
using Gauntlet.Scanner.Data;

namespace Gauntlet.Scanner.Tests.Data;

public sealed class PiiDetectorTests
{
    [Theory]
    [InlineData("jane.doe@example.com", "None", PiiCategory.Email)]
    [InlineData("+44 20 7946 0958", "None", PiiCategory.Phone)]
    [InlineData("+14155552671", "None", PiiCategory.Phone)]
    [InlineData("(415) 555-2671", "None", PiiCategory.Phone)]
    [InlineData("415-555-2671", "None", PiiCategory.Phone)]
    [InlineData("020 7946 0958", "None", PiiCategory.Phone)]
    [InlineData("123-45-6789", "None", PiiCategory.Ssn)]
    [InlineData("GB82 WEST 1234 5698 7654 32", "None", PiiCategory.Iban)]
    [InlineData("DE89370400440532013000", "None", PiiCategory.Iban)]
    [InlineData("4111 1111 1111 1111", "None", PiiCategory.PaymentCard)]
    [InlineData("378282246310005", "None", PiiCategory.PaymentCard)]
    [InlineData("5555-5555-5555-4444", "None", PiiCategory.PaymentCard)]
    [InlineData("943 476 5919", "None", PiiCategory.NhsNumber)]
    [InlineData("9434765919", "Nhs", PiiCategory.NhsNumber)]
    [InlineData("192.168.10.20", "None", PiiCategory.IpAddress)]
    [InlineData("2001:db8::8a2e:370:7334", "None", PiiCategory.IpAddress)]
    [InlineData("1984-03-12", "DateOfBirth", PiiCategory.DateOfBirth)]
    [InlineData("12/03/1984", "DateOfBirth", PiiCategory.DateOfBirth)]
    [InlineData("Ada Lovelace", "Name", PiiCategory.PersonName)]
    [InlineData("contact me at jane.doe@example.com please, thanks a lot", "None", PiiCategory.Email)]
    public void RecognisesValidValues(string value, string hint, PiiCategory expected)
    {
        Assert.Equal(expected, PiiDetectors.Classify(value, Enum.Parse<ColumnHint>(hint))?.Category);
    }

    [Theory]
    [InlineData("000-12-3456")] // area 000
    [InlineData("666-12-3456")] // area 666
    [InlineData("912-12-3456")] // area 9xx
    [InlineData("123-00-6789")] // group 00
    [InlineData("123-45-0000")] // serial 0000
    [InlineData("GB82 WEST 1234 5698 7654 33")] // mod 97 fails
    [InlineData("GB82 WEST 1234 5698 7654")] // wrong length for GB
    [InlineData("4111 1111 1111 1112")] // Luhn fails
    [InlineData("9111 1111 1111 1115")] // Luhn holds, no issuer starts with 9
    [InlineData("943 476 5918")] // NHS mod 11 fails
    [InlineData("256.1.1.1")]
    [InlineData("12:30:45")]
    [InlineData("3.14159")]
    [InlineData("1234567")]
    [InlineData("hello world")]
    [InlineData("user@localhost")]
    public void RejectsInvalidOrPlainValues(string value)
    {
        Assert.Null(PiiDetectors.Classify(value, ColumnHint.None));
    }

    [Fact]
    public void DatesCountOnlyInDateOfBirthColumns()
    {
        Assert.Null(PiiDetectors.Classify("1984-03-12", ColumnHint.None));
        Assert.Null(PiiDetectors.Classify("1984-02-30", ColumnHint.DateOfBirth));
        Assert.Equal(PiiCategory.DateOfBirth, PiiDetectors.Classify("1984-03-12", ColumnHint.Date)?.Category);
        Assert.Null(PiiDetectors.Classify($"{DateTime.UtcNow.Year - 1}-03-12", ColumnHint.Date)); // a signup date, not a birth date
    }

    [Theory]
    [InlineData("jane.doe@example.com", PiiCategory.Email, "j***@e***.com")]
    [InlineData("4111 1111 1111 1111", PiiCategory.PaymentCard, "**** **** **** 1111")]
    [InlineData("123-45-6789", PiiCategory.Ssn, "***-**-6789")]
    [InlineData("Ada Lovelace", PiiCategory.PersonName, "A*** L***")]
    public void MasksExamples(string value, PiiCategory category, string masked)
    {
        Assert.Equal(masked, PiiDetectors.Mask(value, category));
    }

    [Fact]
    public void CsvColumnsGetVerdictsWithLinesAndMaskedExamples()
    {
        var csv = new StringBuilder("id,name,email,card,note\n");
        for (var i = 0; i < 40; i++)
        {
            csv.Append(i).Append(",Ada Lovelace,ada").Append(i).Append("@example.com,4111 1111 1111 1111,ok\n");
        }

        var report = ModelScanner.ScanBytes(Encoding.UTF8.GetBytes(csv.ToString()), "people.csv");
        Assert.Equal(ArtifactFormat.Csv, report.Format);
        var email = Assert.Single(report.Findings, f => f.RuleId == "pii.email");
        Assert.Equal(Severity.Medium, email.Severity);
        Assert.Equal("email", email.Field);
        Assert.Equal(2, email.Line);
        Assert.Contains("40 of 40 rows", email.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("ada0@example.com", email.Message, StringComparison.Ordinal);
        var card = Assert.Single(report.Findings, f => f.RuleId == "pii.payment-card");
        Assert.Equal(Severity.High, card.Severity);
        Assert.Contains(report.Findings, f => f.RuleId == "pii.person-name" && f.Field == "name");
        Assert.NotNull(report.Inventory);
        Assert.Equal(40, report.Inventory!.Rows);
    }

    [Fact]
    public void SarifPointsAtTheRowAndNamesTheColumn()
    {
        var report = ModelScanner.ScanBytes(Encoding.UTF8.GetBytes("id,ssn\n1,x\n2,123-45-6789\n"), "ids.csv");
        var scan = new ScanReport("ids.csv", [report], DateTimeOffset.UnixEpoch, TimeSpan.Zero);
        var sarif = System.Text.Json.Nodes.JsonNode.Parse(Reporting.SarifReportWriter.Write(scan))!;
        var result = sarif["runs"]![0]!["results"]!.AsArray().Single(r => (string?)r!["ruleId"] == "pii.ssn")!;
        Assert.Equal(3, (int)result["locations"]![0]!["physicalLocation"]!["region"]!["startLine"]!);
        Assert.Equal("ssn", (string?)result["properties"]!["column"]);
        Assert.Equal("error", (string?)result["level"]);
    }
}
