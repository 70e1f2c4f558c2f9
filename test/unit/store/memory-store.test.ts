// The in-memory Store must behave like the Firestore one; the shared contract checks both.
import { MemoryStore } from '../../../functions/src/store/memory-store.ts';
import { describeStoreContract } from '../../support/store-contract.ts';

describeStoreContract('MemoryStore', async () => ({ store: new MemoryStore() }));
