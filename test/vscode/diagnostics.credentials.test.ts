/// <reference types="mocha" />
/**
 * In a trusted workspace TrustLens runs the docker credential helper that config.json names for a
 * registry, and sends what it answers to the token service of that registry's trust server. The
 * untrusted-workspace pass checks the same fixture with the same helper and server, where the helper
 * must never run.
 */
import * as assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import type { TrustLensApi } from '../../src/extension';
import type { TestDockerConfig } from '../helpers/trust/dockerConfig';
import {
  FIXTURES, applySettings, clearSettings, closeEditorsWithoutSaving, described, fixtureUri, installMarkerHelper, show, trustLens, verdictsWhen,
  type MarkerHelper,
} from './diagnosticsHost';
import { PRIVATE_CREDENTIALS, PRIVATE_REGISTRY, fixtureDockerConfig, fixtureSettings, startPrivateStack, type PrivateStack } from './diagnosticsStack';

describe('diagnostics: credentials in a trusted workspace', function () {
  this.timeout(120_000);
  let api: TrustLensApi;
  let priv: PrivateStack;
  let docker: TestDockerConfig;
  let helper: MarkerHelper;

  before(async function () {
    this.timeout(180_000);
    assert.equal(vscode.workspace.isTrusted, true);
    api = await trustLens();
    priv = await startPrivateStack();
    helper = await installMarkerHelper('trustlens-fixture');
    docker = await fixtureDockerConfig([priv.stack], { credHelpers: { [PRIVATE_REGISTRY]: 'trustlens-fixture' } });
    await clearSettings();
    await applySettings(fixtureSettings({ private: priv, dockerConfig: docker }));
  });

  after(async () => {
    await closeEditorsWithoutSaving();
    await clearSettings();
    await helper?.dispose();
    await docker?.remove();
    await priv?.stop();
  });

  it('runs the helper config.json names for the registry; with its credentials the token-auth trust server verifies the tag', async () => {
    const before = priv.issuer.requests.length;
    const uri = fixtureUri(FIXTURES.private);
    await show(uri);
    await verdictsWhen(api, uri, (s) => s.join() === 'signed', 'the tag to verify as signed');
    assert.deepEqual(described(uri), []);
    // The helper ran, for the registry (docker sends a registry's credentials to its trust server).
    const runs = (await readFile(helper.marker, 'utf8')).split('\n').filter(Boolean);
    assert.ok(runs.length >= 1);
    assert.deepEqual([...new Set(runs)], [`get ${PRIVATE_REGISTRY}`]);
    const tokens = priv.issuer.requests.slice(before);
    assert.ok(tokens.length >= 1);
    assert.ok(tokens.every((t) => t.account === PRIVATE_CREDENTIALS.user && t.status === 200), JSON.stringify(tokens));
  });
});
