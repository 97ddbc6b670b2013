using System.Collections.Immutable;
using Lockstep.Analyzers.Catalog;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Lockstep.Analyzers.Flow;

/// <summary>One body of a member (the member itself, a local function or a lambda) in its operation-tree form.</summary>
internal readonly struct StructuredBody
{
    public StructuredBody(IOperation root, IMethodSymbol? method, bool isNested)
    {
        Root = root;
        Method = method;
        IsNested = isNested;
    }

    public IOperation Root { get; }

    public IMethodSymbol? Method { get; }

    public bool IsNested { get; }
}

/// <summary>
/// The fast path of the lock engine. Most bodies that take a lock take it in a scoped form the language
/// or the idiom makes balanced: a <c>lock</c> statement, a <c>using</c> of a scope
/// (<c>x.Acquire()</c>, <c>l.EnterScope()</c>), or an acquire statement immediately followed by a
/// <c>try</c> whose <c>finally</c> releases the same lock first thing. In such a body no path can leave
/// the lock held or release it unheld, and the locks held at any operation are exactly those of the
/// enclosing scopes, so the held sets can be read off the operation tree without building a
/// control-flow graph (the expensive part of the analysis). A body with any other acquire or release
/// (a conditional acquire, a <c>lockTaken</c> flag, a release outside its <c>finally</c>, a scope not in
/// a <c>using</c>) is not structured, and goes through <see cref="LockFlowAnalysis"/> as before.
/// </summary>
/// <remarks>
/// The result is the one <see cref="LockFlowAnalysis"/> would give for the same body: the same acquire
/// sites (the locked expression of a <c>lock</c> statement, the acquire call otherwise), the same held
/// sets handed to the observer, the same <see cref="LockFlowResult.AcquiredWhileHeld"/> and
/// <see cref="LockFlowResult.HeldAcrossAwait"/>; a test compares the two on every input of the suite.
/// </remarks>
internal static class StructuredLocks
{

    /// <summary>
    /// The bodies of an operation block when every one of them is structured; null when one is not
    /// (or the code does not bind, or the file has syntax errors), and the caller then builds graphs.
    /// </summary>
    public static List<(StructuredBody Body, Recording Recording)>? TryCollect(OperationBlockAnalysisContext context, PrimitiveCatalog catalog)
    {
        if (context.OperationBlocks.IsEmpty)
        {
            return null;
        }

        // The lock rules of several analyzers ask about the same member: the operation tree is shared by the
        // driver, so the walk is done once and each analyzer replays it into its own observer. (The catalogue
        // is the compilation's, and so is the tree: one key is enough.)
        var cached = Cache.GetOrCreate(
            context.OperationBlocks[0],
            (context.OperationBlocks, Owner: context.OwningSymbol as IMethodSymbol, catalog, context.CancellationToken),
            static state => new Box(TryCollect(state.OperationBlocks, state.Owner, state.catalog, state.CancellationToken)));
        return cached.Bodies;
    }

    private static readonly OperationCache<Box> Cache = new();

    private sealed class Box
    {
        public Box(List<(StructuredBody Body, Recording Recording)>? bodies) => Bodies = bodies;

        public List<(StructuredBody Body, Recording Recording)>? Bodies { get; }
    }

    public static List<(StructuredBody Body, Recording Recording)>? TryCollect(ImmutableArray<IOperation> blocks, IMethodSymbol? owner, PrimitiveCatalog catalog, CancellationToken cancellationToken)
    {
        var pending = new Queue<StructuredBody>();
        foreach (var block in blocks)
        {
            if (block.Kind is not (OperationKind.Block or OperationKind.MethodBody or OperationKind.ConstructorBody or OperationKind.FieldInitializer or OperationKind.PropertyInitializer))
            {
                continue;
            }

            if (FlowBodies.HasSyntaxErrors(block.Syntax.SyntaxTree, cancellationToken))
            {
                return null;
            }

            pending.Enqueue(new StructuredBody(block, owner, isNested: false));
        }

        var bodies = new List<(StructuredBody, Recording)>();
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var body = pending.Dequeue();
            var walker = new Walker(catalog, pending, cancellationToken);
            if (!walker.Run(body.Root))
            {
                return null;
            }

            bodies.Add((body, walker.Recording));
        }

        return bodies;
    }

    /// <summary>What the walk saw, in the order the flow engine would report it; replayed into an observer and a result.</summary>
    internal sealed class Recording
    {
        public List<(AcquireSite? Acquire, IOperation? Operation, HeldLocks Held)> Events { get; } = new();

        public LockFlowResult Result { get; } = new();

        /// <summary>Feeds the acquires and the operations the observer wants to it, with their held sets.</summary>
        public LockFlowResult Replay(ILockFlowObserver? observer)
        {
            if (observer is not null)
            {
                foreach (var (acquire, operation, held) in Events)
                {
                    if (acquire is { } site)
                    {
                        observer.OnAcquire(site, held);
                    }
                    else if (operation is not null && !held.IsEmpty && observer.WantsOperation(operation))
                    {
                        observer.OnOperation(operation, held);
                    }
                }
            }

            return Result;
        }
    }

    private sealed class Walker
    {
        private readonly PrimitiveCatalog _catalog;
        private readonly Queue<StructuredBody> _nested;
        private readonly CancellationToken _cancellationToken;
        private readonly List<(LockKey Key, IOperation Site, LockFamily Family)> _held = new();
        // A handful at most, and compared by reference: no hashing of every call in the body.
        private readonly List<IOperation> _consumed = new();
        private HeldLocks? _snapshot;

        public Walker(PrimitiveCatalog catalog, Queue<StructuredBody> nested, CancellationToken cancellationToken)
        {
            _catalog = catalog;
            _nested = nested;
            _cancellationToken = cancellationToken;
        }

        public Recording Recording { get; } = new();

        public bool Run(IOperation root) => Visit(root);

        private HeldLocks Held()
        {
            if (_snapshot is { } snapshot)
            {
                return snapshot;
            }

            if (_held.Count == 0)
            {
                _snapshot = new HeldLocks(ImmutableHashSet<LockKey>.Empty, ImmutableHashSet<LockKey>.Empty, ImmutableArray<IOperation>.Empty);
                return _snapshot.Value;
            }

            if (_held.Count == 1)
            {
                // One lock held, the usual case: no builders.
                var one = ImmutableHashSet.Create(_held[0].Key);
                _snapshot = new HeldLocks(one, one, ImmutableArray.Create(_held[0].Site));
                return _snapshot.Value;
            }

            var keys = ImmutableHashSet.CreateBuilder<LockKey>();
            var sites = ImmutableArray.CreateBuilder<IOperation>(_held.Count);
            foreach (var (key, site, _) in _held)
            {
                keys.Add(key);
                if (!sites.Contains(site))
                {
                    sites.Add(site);
                }
            }

            var set = keys.ToImmutable();
            _snapshot = new HeldLocks(set, set, sites.ToImmutable());
            return _snapshot.Value;
        }

        private void Push(LockKey key, IOperation site, LockFamily family, bool recordReentry)
        {
            var result = Recording.Result;
            Recording.Events.Add((new AcquireSite(site, key, family), null, Held()));
            if (recordReentry)
            {
                foreach (var (heldKey, heldSite, _) in _held)
                {
                    if (heldKey.Equals(key) && !result.AcquiredWhileHeld.ContainsKey(site))
                    {
                        result.AcquiredWhileHeldToFill[site] = heldSite;
                    }
                }
            }

            result.SitesToFill[site] = new AcquireSite(site, key, family);
            result.AcquiredKeysToFill.Add(key);
            _held.Add((key, site, family));
            _snapshot = null;
        }

        private void Pop(LockKey key, bool released)
        {
            for (var i = _held.Count - 1; i >= 0; i--)
            {
                if (_held[i].Key.Equals(key))
                {
                    _held.RemoveAt(i);
                    break;
                }
            }

            if (released)
            {
                Recording.Result.ReleasedKeysToFill.Add(key);
            }

            _snapshot = null;
        }

        private void Observe(IOperation operation)
        {
            // Only the kinds an observer asks about (calls, member references, writes): the rest would only be filtered out on replay.
            if (_held.Count > 0 && operation.Kind is OperationKind.Invocation or OperationKind.PropertyReference or OperationKind.FieldReference
                or OperationKind.Increment or OperationKind.Decrement or OperationKind.CompoundAssignment or OperationKind.SimpleAssignment
                or OperationKind.ObjectCreation or OperationKind.DelegateCreation)
            {
                Recording.Events.Add((null, operation, Held()));
            }
        }

        private bool VisitChildren(IOperation operation)
        {
            foreach (var child in operation.ChildOperations)
            {
                if (!Visit(child))
                {
                    return false;
                }
            }

            return true;
        }

        private bool Visit(IOperation operation)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            // The kind (a field read) first: most operations are none of the cases below and need no interface type test.
            switch (operation.Kind)
            {
                case OperationKind.Invalid or OperationKind.AnonymousFunction or OperationKind.LocalFunction or OperationKind.Loop
                    or OperationKind.Using or OperationKind.UsingDeclaration or OperationKind.Lock or OperationKind.Block
                    or OperationKind.Await or OperationKind.Invocation:
                    break;
                default:
                    if (!VisitChildren(operation))
                    {
                        return false;
                    }

                    Observe(operation);
                    return true;
            }

            switch (operation)
            {
                case IInvalidOperation:
                    return false;
                case IAnonymousFunctionOperation lambda:
                    _nested.Enqueue(new StructuredBody(lambda.Body, null, isNested: true));
                    return true;
                case ILocalFunctionOperation localFunction:
                    if ((localFunction.Body ?? localFunction.IgnoredBody) is { } localBody)
                    {
                        _nested.Enqueue(new StructuredBody(localBody, localFunction.Symbol, isNested: true));
                    }

                    return true;
                case IForEachLoopOperation { IsAsynchronous: true }:
                case IUsingOperation { IsAsynchronous: true }:
                case IUsingDeclarationOperation { IsAsynchronous: true }:
                    // Hidden awaits (MoveNextAsync, DisposeAsync): the graph places them.
                    return false;
                case ILockOperation lockOperation:
                    return VisitLock(lockOperation);
                case IUsingOperation usingOperation:
                    return VisitUsing(usingOperation);
                case IBlockOperation block:
                    return VisitStatements(block.Operations);
                case IAwaitOperation awaitOperation:
                    if (!VisitChildren(awaitOperation))
                    {
                        return false;
                    }

                    RecordAwait(awaitOperation);
                    return true;
                case IInvocationOperation invocation when !IsConsumed(invocation) && _catalog.TryClassify(invocation, out _):
                    // An acquire or release in no scoped form: the graph decides.
                    return false;
            }

            if (!VisitChildren(operation))
            {
                return false;
            }

            Observe(operation);
            return true;
        }

        private bool IsConsumed(IOperation operation)
        {
            foreach (var consumed in _consumed)
            {
                if (ReferenceEquals(consumed, operation))
                {
                    return true;
                }
            }

            return false;
        }

        private bool VisitLock(ILockOperation lockOperation)
        {
            if (!Visit(lockOperation.LockedValue))
            {
                return false;
            }

            var type = lockOperation.LockedValue.Type;
            if (type is null || (type.Name == "Lock" && NamespaceNames.Is(type.ContainingNamespace, "System.Threading")))
            {
                // System.Threading.Lock: the lowering depends on the compiler's version; the graph knows it.
                return false;
            }

            var key = LockKey.Resolve(lockOperation.LockedValue, LockMode.Exclusive, LockKey.NoCaptures);
            if (key is null)
            {
                return Visit(lockOperation.Body);
            }

            // The site is the locked expression, as in the lowered Monitor.Enter the graph holds (an implicit call
            // there, so it is not recorded as a re-entry either).
            Push(key, lockOperation.LockedValue, LockFamily.Monitor, recordReentry: false);
            if (!Visit(lockOperation.Body))
            {
                return false;
            }

            Pop(key, released: true);
            return true;
        }

        private bool VisitUsing(IUsingOperation usingOperation)
        {
            var pushed = new List<LockKey>();
            if (!VisitResources(usingOperation.Resources, pushed) || !Visit(usingOperation.Body))
            {
                return false;
            }

            for (var i = pushed.Count - 1; i >= 0; i--)
            {
                Pop(pushed[i], released: true);
            }

            return true;
        }

        /// <summary>The resources of a <c>using</c>: a scope acquire there holds its lock for the using's region.</summary>
        private bool VisitResources(IOperation resources, List<LockKey> pushed)
        {
            var values = resources is IVariableDeclarationGroupOperation group
                ? group.Declarations.SelectMany(d => d.Declarators).Select(d => d.Initializer?.Value).ToList()
                : new List<IOperation?> { resources };
            if (resources is IVariableDeclarationGroupOperation declarations && declarations.Declarations.Any(d => d.Initializer is not null))
            {
                // `using (T a = x, b = y)` with a shared initializer: not a shape worth a fast path.
                return false;
            }

            foreach (var value in values)
            {
                if (value is null)
                {
                    continue;
                }

                var invocation = LockKey.Unwrap(value, LockKey.NoCaptures) as IInvocationOperation;
                if (invocation is not null && _catalog.TryClassify(invocation, out var lockOperation))
                {
                    if (lockOperation.Kind != LockOpKind.Acquire || !lockOperation.ReturnsScope || LockKey.For(lockOperation, LockKey.NoCaptures) is not { } key)
                    {
                        return false;
                    }

                    if (!VisitChildren(invocation))
                    {
                        return false;
                    }

                    _consumed.Add(invocation);
                    Push(key, invocation, lockOperation.Family, recordReentry: true);
                    pushed.Add(key);
                    Observe(invocation);
                    if (!ObserveUpTo(invocation, value))
                    {
                        return false;
                    }
                }
                else if (!Visit(value))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// What lies between a consumed call and the value or statement that holds it (conversions, the
        /// <c>ConfigureAwait(false)</c> and the await of <c>await s.WaitAsync().ConfigureAwait(false)</c>), in evaluation
        /// order, with the lock already held. The other operands on the way (the arguments of <c>ConfigureAwait</c>) run
        /// after the call they follow, so they are visited there.
        /// </summary>
        private bool ObserveUpTo(IOperation from, IOperation to)
        {
            for (var current = from; !ReferenceEquals(current, to) && current.Parent is { } parent; current = parent)
            {
                if (parent is IAwaitOperation awaitOperation)
                {
                    RecordAwait(awaitOperation);
                    continue;
                }

                foreach (var sibling in parent.ChildOperations)
                {
                    if (!ReferenceEquals(sibling, current) && !Visit(sibling))
                    {
                        return false;
                    }
                }

                Observe(parent);
            }

            return true;
        }

        /// <summary>A thread-affine lock held at an await (LS1004).</summary>
        private void RecordAwait(IAwaitOperation awaitOperation)
        {
            foreach (var (_, site, family) in _held)
            {
                if (LockFamilyTraits.IsThreadAffine(family) && !Recording.Result.HeldAcrossAwait.ContainsKey(site))
                {
                    Recording.Result.HeldAcrossAwaitToFill[site] = awaitOperation;
                }
            }
        }

        private bool VisitStatements(ImmutableArray<IOperation> statements)
        {
            var pushed = new List<LockKey>();
            for (var i = 0; i < statements.Length; i++)
            {
                var statement = statements[i];
                if (statement is IUsingDeclarationOperation { IsAsynchronous: true })
                {
                    return false;
                }

                if (statement is IUsingDeclarationOperation usingDeclaration)
                {
                    // `using var s = x.Acquire();`: held to the end of the enclosing block.
                    if (!VisitResources(usingDeclaration.DeclarationGroup, pushed))
                    {
                        return false;
                    }

                    continue;
                }

                if (TryPairedAcquire(statement, i + 1 < statements.Length ? statements[i + 1] : null, out var acquire, out var operation, out var tryOperation, out var release))
                {
                    if (!VisitPair(statement, acquire, operation, tryOperation!, release!))
                    {
                        return false;
                    }

                    i++;
                    continue;
                }

                if (!Visit(statement))
                {
                    return false;
                }
            }

            for (var i = pushed.Count - 1; i >= 0; i--)
            {
                Pop(pushed[i], released: true);
            }

            return true;
        }

        /// <summary><c>acquire; try { … } finally { release; … }</c> on the same lock, the release first in the finally.</summary>
        private bool TryPairedAcquire(IOperation statement, IOperation? next, out IInvocationOperation acquire, out LockOperation operation, out ITryOperation? tryOperation, out IInvocationOperation? release)
        {
            acquire = null!;
            operation = default;
            tryOperation = null;
            release = null;
            if (statement is not IExpressionStatementOperation { Operation: var expression }
                || (expression is IAwaitOperation awaited ? LockKey.Awaited(awaited, LockKey.NoCaptures) : LockKey.Unwrap(expression, LockKey.NoCaptures)) is not IInvocationOperation invocation
                || !_catalog.TryClassify(invocation, out operation)
                || operation.Kind != LockOpKind.Acquire
                || operation.ReturnsScope
                || next is not ITryOperation { Finally: { Operations.Length: > 0 } finallyBlock } nextTry
                || finallyBlock.Operations[0] is not IExpressionStatementOperation { Operation: IInvocationOperation releaseCall }
                || !_catalog.TryClassify(releaseCall, out var releaseOperation)
                || releaseOperation.Kind != LockOpKind.Release
                || LockKey.For(operation, LockKey.NoCaptures) is not { } key
                || LockKey.For(releaseOperation, LockKey.NoCaptures) is not { } releasedKey
                || !key.Equals(releasedKey))
            {
                return false;
            }

            acquire = invocation;
            tryOperation = nextTry;
            release = releaseCall;
            return true;
        }

        private bool VisitPair(IOperation statement, IInvocationOperation acquire, LockOperation operation, ITryOperation tryOperation, IInvocationOperation release)
        {
            var key = LockKey.For(operation, LockKey.NoCaptures)!;
            if (!VisitChildren(acquire))
            {
                return false;
            }

            _consumed.Add(acquire);
            Push(key, acquire, operation.Family, recordReentry: true);
            Observe(acquire);

            // The await of `await s.WaitAsync();` (and its `ConfigureAwait(false)`) and the statement around the call.
            if (!ObserveUpTo(acquire, statement))
            {
                return false;
            }

            if (!Visit(tryOperation.Body))
            {
                return false;
            }

            foreach (var clause in tryOperation.Catches)
            {
                if (!Visit(clause))
                {
                    return false;
                }
            }

            var finallyBlock = tryOperation.Finally!;
            if (!VisitChildren(release))
            {
                return false;
            }

            _consumed.Add(release);
            Pop(key, released: true);
            Observe(release);
            Observe(finallyBlock.Operations[0]);
            return VisitStatements(finallyBlock.Operations.RemoveAt(0));
        }
    }
}
