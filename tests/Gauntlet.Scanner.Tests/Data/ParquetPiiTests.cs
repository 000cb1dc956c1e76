namespace Gauntlet.Scanner.Tests.Data;

public sealed class ParquetPiiTests
{
    public sealed class Person
    {
        public string? Email { get; set; }

        public string? Card { get; set; }

        public string? Note { get; set; }
    }

    [Fact]
    public async Task ParquetStringColumnsAreReadForPersonalData()
    {
        var people = Enumerable.Range(0, 30).Select(i => new Person
        {
            Email = $"user{i}@example.com",
            Card = i % 2 == 0 ? "4111 1111 1111 1111" : "4111 1111 1111 1112", // half fail Luhn
            Note = "fine",
        }).ToList();
        using var stream = new MemoryStream();
        await Parquet.Serialization.ParquetSerializer.SerializeAsync(people, stream);
        var report = ModelScanner.ScanBytes(stream.ToArray(), "people.parquet");
        Assert.Equal(ArtifactFormat.Parquet, report.Format);
        var email = Assert.Single(report.Findings, f => f.RuleId == "pii.email");
        Assert.Equal("Email", email.Field);
        Assert.Contains("30 of 30 rows", email.Message, StringComparison.Ordinal);
        var card = Assert.Single(report.Findings, f => f.RuleId == "pii.payment-card");
        Assert.Contains("15 of 30 rows", card.Message, StringComparison.Ordinal);
        Assert.Equal(30, report.Inventory!.Rows);
    }

    [Fact]
    public void ABrokenParquetFileIsAFinding()
    {
        var report = ModelScanner.ScanBytes("PAR1 this is not parquet PAR1"u8.ToArray(), "broken.parquet");
        var finding = Assert.Single(report.Findings, f => f.RuleId == "data.malformed");
        Assert.StartsWith("Parquet file not read", finding.Message, StringComparison.Ordinal);
    }
}
