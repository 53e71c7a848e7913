namespace Tenancy.Bench;

/// <summary>
/// The seeded tree: root, 100 partners, folders, customers and units. One partner holds a tenth of
/// the tree (100,000 descendants at 1,000,000 tenants), one a hundredth (the subtree to terminate);
/// the other 98 share the rest. Internal keys are handed out level by level in shuffled order, so
/// siblings are not neighbours on disk, as in a tree that grew over years.
/// </summary>
public sealed class TreeShape
{
    public const int Partners = 100;
    public const int BigPartner = 0;
    public const int TerminatedPartner = 1;

    public TreeShape(int total, int seed = 42)
    {
        if (total < 10_000)
        {
            throw new ArgumentOutOfRangeException(nameof(total), "The tree needs at least 10,000 tenants.");
        }

        Total = total;
        var parents = new List<int>(total) { -1 };
        var kinds = new List<byte>(total) { Kind.Root };
        var big = total / 10 - 1;
        var terminated = total / 100 - 1;
        var rest = total - 1 - Partners - big - terminated;
        PartnerNodes = new int[Partners];
        for (var p = 0; p < Partners; p++)
        {
            var descendants = p switch
            {
                BigPartner => big,
                TerminatedPartner => terminated,
                _ => rest / (Partners - 2) + (p - 2 < rest % (Partners - 2) ? 1 : 0),
            };
            PartnerNodes[p] = Add(parents, kinds, 0, Kind.Partner);
            AddPartnerSubtree(parents, kinds, PartnerNodes[p], descendants);
        }

        Parent = [.. parents];
        Kinds = [.. kinds];
        Seq = new long[Total];
        var random = new Random(seed);
        long next = 1;
        for (byte level = 0; level <= Kind.Unit; level++)
        {
            var atLevel = Enumerable.Range(0, Total).Where(i => Kinds[i] == level).ToArray();
            random.Shuffle(atLevel);
            foreach (var i in atLevel)
            {
                Seq[i] = next++;
            }
        }

        // Nodes sorted by key: the order the server would have created them in.
        ByCreation = [.. Enumerable.Range(0, Total).OrderBy(i => Seq[i])];
        SubtreeSize = new int[Total];
        for (var i = Total - 1; i >= 0; i--)
        {
            SubtreeSize[i]++;
            if (Parent[i] >= 0)
            {
                SubtreeSize[Parent[i]] += SubtreeSize[i];
            }
        }
    }

    public int Total { get; }

    /// <summary>Parent node of each node (-1 for the root); nodes are numbered depth-first, parents first.</summary>
    public int[] Parent { get; }

    /// <summary>Kind of each node (see <see cref="Kind"/>); for this shape it is also the node's level.</summary>
    public byte[] Kinds { get; }

    public long[] Seq { get; }

    public int[] ByCreation { get; }

    public int[] PartnerNodes { get; }

    /// <summary>Tenants in the subtree of each node, itself included.</summary>
    public int[] SubtreeSize { get; }

    /// <summary>The nodes of a subtree: depth-first numbering keeps each subtree contiguous.</summary>
    public IEnumerable<int> SubtreeOf(int node) => Enumerable.Range(node, SubtreeSize[node]);

    private static int Add(List<int> parents, List<byte> kinds, int parent, byte kind)
    {
        parents.Add(parent);
        kinds.Add(kind);
        return parents.Count - 1;
    }

    /// <summary>Folders (one per 1,000 descendants, at most 100), customers round-robin over them, two units per customer.</summary>
    private static void AddPartnerSubtree(List<int> parents, List<byte> kinds, int partner, int descendants)
    {
        var folders = Math.Clamp(descendants / 1000, 1, 100);
        var rest = descendants - folders;
        var customers = (rest + 2) / 3;
        var units = rest - customers;
        // Depth-first numbering: a folder, then its customers, each followed by its units.
        var perCustomer = new int[customers];
        for (var u = 0; u < units; u++)
        {
            perCustomer[u % customers]++;
        }

        for (var f = 0; f < folders; f++)
        {
            var folder = Add(parents, kinds, partner, Kind.Folder);
            for (var c = f; c < customers; c += folders)
            {
                var customer = Add(parents, kinds, folder, Kind.Customer);
                for (var u = 0; u < perCustomer[c]; u++)
                {
                    Add(parents, kinds, customer, Kind.Unit);
                }
            }
        }
    }

    public static class Kind
    {
        public const byte Root = 0;
        public const byte Partner = 1;
        public const byte Folder = 2;
        public const byte Customer = 3;
        public const byte Unit = 4;

        public static readonly string[] Names = ["root", "partner", "folder", "customer", "unit"];
    }
}
