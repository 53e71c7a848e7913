using Tenancy.Server.Catalog;

namespace Tenancy.Tests.Catalog;

/// <summary>The catalog file is checked at start: the sample passes, a broken file is refused naming the line or the field.</summary>
public sealed class CatalogFileTests
{
    private static string SamplePath => Path.Combine(AppContext.BaseDirectory, "catalog.json");

    [Fact]
    public void Sample_Loads_WithOnePlatform_AServiceWithTwoEditions_AndStorageInTwoLocations()
    {
        var catalog = CatalogFile.Load(SamplePath);

        Assert.Equal("platform", catalog.Platform.Type);
        var service = Assert.Single(catalog.Applications, a => a.Type == "backup");
        Assert.True(service.Editions.Count >= 2);
        Assert.True(service.OfferingItems.Count >= 6);
        Assert.Equal(["count", "feature", "infra"], service.OfferingItems.Select(i => i.Type).Distinct().Order());
        var storage = Assert.Single(catalog.Applications, a => a.Id == SampleCatalog.ObjectStorage);
        Assert.Equal(2, storage.OfferingItems.Where(i => i.Type == "infra").Select(i => i.InfraId).Distinct().Count());
    }

    [Fact]
    public void Sample_HasTheServiceLevelsAsOfferingItems_OfTheApplicationTheUsageStoreMapsThemTo()
    {
        var catalog = CatalogFile.Load(SamplePath);

        var levels = catalog.Find(Tenancy.Server.Usage.ServiceLevelItems.ApplicationId);
        Assert.Equal(SampleCatalog.ServiceLevels, levels?.Id);
        Assert.Equal(["extreme", "premium", "standard", "object"], levels!.OfferingItems.Select(i => i.Name));
        Assert.All(levels.OfferingItems, i => Assert.Equal(("bytes", i.Name), (i.MeasurementUnit, i.UsageName)));
    }

    [Fact]
    public void DefaultPath_IsTheSampleNextToTheServer()
    {
        var catalog = CatalogFile.Load(new CatalogOptions(), AppContext.BaseDirectory);

        Assert.Equal(SampleCatalog.Backup, catalog.Find(SampleCatalog.Backup)?.Id);
    }

    [Fact]
    public void MalformedJson_IsRefusedNamingTheLine()
    {
        var text = File.ReadAllText(SamplePath);
        var lines = text.Split('\n');
        var at = Array.FindIndex(lines, l => l.Contains("\"name\": \"Cyber Protection\"", StringComparison.Ordinal));
        lines[at] = lines[at].Replace("\"Cyber Protection\",", "\"Cyber Protection\" oops,", StringComparison.Ordinal);

        var error = Assert.Throws<CatalogException>(() => CatalogFile.Parse(string.Join('\n', lines), "catalog.json"));

        Assert.Contains($"catalog.json is not valid at line {at + 1}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownField_IsRefusedNamingTheLineAndTheField()
    {
        var text = """
            {
              "applications": [
                { "id": "6e1a2c8e-0d3b-4c55-9c1e-2f3a4b5c6d01", "name": "Platform", "type": "platform",
                  "offering_itemz": [] }
              ]
            }
            """;

        var error = Assert.Throws<CatalogException>(() => CatalogFile.Parse(text, "mine.json"));

        Assert.Contains("line 4", error.Message, StringComparison.Ordinal);
        Assert.Contains("offering_itemz", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"applications": []}""", "applications must list at least the platform application")] [InlineData("""{"applications": [{"id": "6e1a2c8e-0d3b-4c55-9c1e-2f3a4b5c6d01", "name": "A", "type": "backup"}]}""",
        "exactly one application of type platform (found 0)")]
    [InlineData("""{"applications": [{"id": "6e1a2c8e-0d3b-4c55-9c1e-2f3a4b5c6d01", "name": "P", "type": "platform"}, {"id": "6e6d758d-8e74-3ae3-ac84-50eb0dff12eb", "name": "P2", "type": "platform"}]}""", "(found 2)")]
    [InlineData("""{"applications": [{"id": "nope", "name": "P", "type": "platform"}]}""", "applications[0].id must be a UUID")]
    [InlineData("""{"applications": [{"id": "6e1a2c8e-0d3b-4c55-9c1e-2f3a4b5c6d01", "name": "P", "type": "platform"}, {"id": "6E1A2C8E-0D3B-4C55-9C1E-2F3A4B5C6D01", "name": "Q", "type": "backup"}]}""", "applications[1].id 6e1a2c8e-0d3b-4c55-9c1e-2f3a4b5c6d01 is used by two")]
    [InlineData("""{"applications": [{"id": "6e1a2c8e-0d3b-4c55-9c1e-2f3a4b5c6d01", "name": "P", "type": "platform", "offering_items": [{"name": "x", "type": "infra", "measurement_unit": "bytes"}]}]}""", "applications[0].offering_items[0].infra_id must be the UUID")]
    [InlineData("""{"applications": [{"id": "6e1a2c8e-0d3b-4c55-9c1e-2f3a4b5c6d01", "name": "P", "type": "platform", "offering_items": [{"name": "x", "type": "count", "measurement_unit": "quantity", "edition": "gold"}]}]}""", "'gold' is not an edition of P")]
    [InlineData("""{"applications": [{"id": "6e1a2c8e-0d3b-4c55-9c1e-2f3a4b5c6d01", "name": "P", "type": "platform", "offering_items": [{"name": "x", "type": "lots", "measurement_unit": "quantity"}]}]}""", "offering_items[0].type must be one of count, feature, infra")]
    public void BrokenRules_AreRefusedNamingTheField(string text, string expected)
    {
        var error = Assert.Throws<CatalogException>(() => CatalogFile.Parse(text, "mine.json"));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.StartsWith("Catalog file mine.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingFile_IsRefusedNamingThePathAndTheSetting()
    {
        var path = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.json");

        var error = Assert.Throws<CatalogException>(() => CatalogFile.Load(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("Tenancy:Catalog:Path", error.Message, StringComparison.Ordinal);
    }
}
