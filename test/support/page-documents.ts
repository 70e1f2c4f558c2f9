// Every stored activity page part of a Firestore project, read bucket by bucket (they live in
// one subcollection per bucket, and collection-group queries find nothing on the Node emulator).
import type { DocumentData, Firestore } from '@google-cloud/firestore';
import { ANONYMOUS, BUCKETS, bucketId } from '../../functions/src/model/buckets.ts';

/** Every page document as [id, data]. */
export async function pageDocuments(db: Firestore): Promise<[string, DocumentData][]> {
  const buckets = [...Array.from({ length: BUCKETS }, (_, b) => bucketId(b)), ANONYMOUS];
  const snapshots = await Promise.all(
    buckets.map((b) => db.collection('buckets').doc(b).collection('pages').get()),
  );
  return snapshots.flatMap((s) => s.docs.map((d): [string, DocumentData] => [d.id, d.data()]));
}
