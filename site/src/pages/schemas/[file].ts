/**
 * `/schemas/<name>.json`: the generated JSON Schemas and OpenAPI document, published with the
 * site at build time from shared/generated/.
 */
import type { APIRoute, GetStaticPaths } from 'astro';
import { SCHEMA_FILES } from '../../lib/schema-files.ts';

export const getStaticPaths = (() =>
  SCHEMA_FILES.map((file) => ({
    params: { file: file.name },
    props: { text: file.text },
  }))) satisfies GetStaticPaths;

export const GET: APIRoute = ({ props }) =>
  new Response(String(props.text), {
    headers: { 'content-type': 'application/json; charset=utf-8' },
  });
