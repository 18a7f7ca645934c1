// Each fixture runs whole hosts; two at a time on a 2-core machine only makes both slower.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
