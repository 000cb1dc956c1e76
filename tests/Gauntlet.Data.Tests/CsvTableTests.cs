namespace Gauntlet.Data.Tests;

public sealed class CsvTableTests : TempDirTest
{
    [Theory]
    [InlineData(",")]
    [InlineData(";")]
    [InlineData("\t")]
    [InlineData("|")]
    public void Load_DetectsDelimiterAndHeader_StringLabelsSorted(string d)
    {
        var path = WriteText("t.csv", $"a{d}b{d}species\n1.5{d}2{d}setosa\n-3{d}4e1{d}virginica\n0{d}0.25{d}setosa\n");
        var t = CsvTable.Load(path);
        Assert.Equal(new Tensors.Shape(3, 2), t.Features.Shape);
        Assert.Equal([1.5f, 2f, -3f, 40f, 0f, 0.25f], t.Features.ToArray());
        Assert.Equal(["setosa", "virginica"], t.ClassNames);
        Assert.Equal([0, 1, 0], t.Labels);
        Assert.Equal(["a", "b"], t.FeatureNames);
        Assert.Equal(path, t.Source);
    }

    [Fact]
    public void Load_NoHeader_IntegerLabelsDefaultLastColumn()
    {
        var t = CsvTable.Load(WriteText("n.csv", "0.1,0.2,2\n0.3,0.4,0\n"));
        Assert.Equal([2, 0], t.Labels);
        Assert.Equal(3, t.ClassCount);
        Assert.Equal(["column 0", "column 1"], t.FeatureNames);
    }

    [Fact]
    public void Load_LabelColumnByNameOrIndex_QuotedFieldsAndCrLf()
    {
        var text = "\"label\",\"x, y\",z\r\ncat,1,2\r\n\"dog\",3,4\r\n";
        var byName = CsvTable.Load(WriteText("q.csv", text), "label");
        Assert.Equal([0, 1], byName.Labels);
        Assert.Equal(["x, y", "z"], byName.FeatureNames);
        Assert.Equal([1f, 2f, 3f, 4f], byName.Features.ToArray());
        var byIndex = CsvTable.Load(WriteText("q2.csv", text), "0");
        Assert.Equal(byName.Labels, byIndex.Labels);
    }

    [Fact]
    public void Load_NonNumericFeature_NamesLineAndColumn()
    {
        var ex = Assert.Throws<InvalidDataException>(() => CsvTable.Load(WriteText("bad.csv", "x,y,label\n1,2,a\n3,oops,b\n")));
        Assert.Contains("bad.csv", ex.Message);
        Assert.Contains("line 3", ex.Message);
        Assert.Contains("column 2", ex.Message);
        Assert.Contains("'oops'", ex.Message);
    }

    [Fact]
    public void Load_RaggedRow_NamesLine()
    {
        var ex = Assert.Throws<InvalidDataException>(() => CsvTable.Load(WriteText("r.csv", "1,2,0\n3,4,1\n5,1\n")));
        Assert.Contains("line 3 has 2 fields; expected 3", ex.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\n  \n")]
    public void Load_Empty_SaysEmpty(string text)
    {
        Assert.Contains("empty", Assert.Throws<InvalidDataException>(() => CsvTable.Load(WriteText("e.csv", text))).Message);
    }

    [Fact]
    public void Load_OtherErrors_AreSpecific()
    {
        Assert.Contains("header row but no data", Assert.Throws<InvalidDataException>(() => CsvTable.Load(WriteText("h.csv", "a,b\n"))).Message);
        Assert.Contains("label column 'nope' not found", Assert.Throws<InvalidDataException>(() => CsvTable.Load(WriteText("c.csv", "a,b\n1,2\n"), "nope")).Message);
        Assert.Contains("label -1 is negative", Assert.Throws<InvalidDataException>(() => CsvTable.Load(WriteText("g.csv", "1,-1\n2,0\n"))).Message);
        Assert.Contains("at least one feature", Assert.Throws<InvalidDataException>(() => CsvTable.Load(WriteText("o.csv", "1\n2\n"))).Message);
        Assert.Contains("unterminated", Assert.Throws<InvalidDataException>(() => CsvTable.Load(WriteText("u.csv", "1,\"2\n"))).Message);
        Assert.Throws<FileNotFoundException>(() => CsvTable.Load(Path.Combine(Dir, "none.csv")));
    }

    [Fact]
    public void Load_EveryTruncation_SucceedsOrGivesInvalidData()
    {
        const string text = "f1;f2;label\n1.25;2;\"b\"\n3;4.5;a\n-1;7;b\n";
        var threw = 0;
        for (var cut = 0; cut < text.Length; cut++)
        {
            var path = WriteText("cut.csv", text[..cut]);
            if (TestFiles.SucceedsOrInvalidData(() => CsvTable.Load(path), $"cut {cut}"))
            {
                threw++;
            }
        }

        Assert.True(threw > 10, $"only {threw} truncations were rejected");
    }
}
