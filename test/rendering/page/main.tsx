/**
 * The page of the RJSF browser test: react-jsonschema-form with the settings libs/fim/README.md recommends
 * ("Renderer guidance"), driven from Node through `window.fimHarness`. Bundled by the test (esbuild-wasm).
 */
import Form from '@rjsf/core';
import type { RJSFSchema, RJSFValidationError, UiSchema } from '@rjsf/utils';
import { type CustomValidatorOptionsType, customizeValidator } from '@rjsf/validator-ajv8';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { createRef } from 'react';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';

type AjvClass = NonNullable<CustomValidatorOptionsType['AjvClass']>;
type Extender = NonNullable<CustomValidatorOptionsType['extenderFn']>;

// As recommended in libs/fim/README.md: the 2020-12 dialect of the exported schema, the same formats
// (ajv-formats 3: `time` needs an offset) and currency precision as @amtsbote/fim, ajv's code optimisation off.
const validator = customizeValidator({
  // RJSF's own ajv and ours are different releases of ajv 8; the classes are the same at run time.
  AjvClass: Ajv2020 as unknown as AjvClass,
  ajvOptionsOverrides: { multipleOfPrecision: 3, code: { optimize: false } },
  ajvFormatOptions: false,
  extenderFn: ((ajv: Ajv2020) => addFormats(ajv)) as unknown as Extender,
});

export interface RenderRequest {
  schema: RJSFSchema;
  uiSchema: UiSchema;
  formData?: unknown;
}

export interface Inspection {
  /** Blocks RJSF renders for schemas it cannot handle, and their texts. */
  unsupported: string[];
  /** Texts of labels and legends. */
  labels: string[];
  selects: Array<{ id: string; value: string; placeholder: string | null }>;
  /** Texts of the error list above the form and of the errors under fields. */
  errors: string[];
}

export interface Harness {
  render(request: RenderRequest): void;
  validate(): { valid: boolean; errors: RJSFValidationError[] };
  /** RJSF's validator on `data` against the schema last rendered, without rendering. */
  validateData(data: unknown): { valid: boolean; errors: RJSFValidationError[] };
  formData(): unknown;
  inspect(): Inspection;
}

const root = createRoot(document.getElementById('root') as HTMLElement);
let form: Form | null = null;
let current: RJSFSchema = {};
let reported: RJSFValidationError[] = [];
let generation = 0;

function texts(selector: string): string[] {
  return [...document.querySelectorAll(selector)].map((e) => (e.textContent ?? '').trim());
}

const harness: Harness = {
  render({ schema, uiSchema, formData }) {
    const ref = createRef<Form>();
    current = schema;
    generation++;
    flushSync(() =>
      root.render(
        <Form
          key={generation}
          ref={ref}
          schema={schema}
          uiSchema={uiSchema}
          formData={formData}
          validator={validator}
          experimental_defaultFormStateBehavior={{ constAsDefaults: 'skipOneOf' }}
          onError={(errors) => {
            reported = errors;
          }}
        />,
      ),
    );
    form = ref.current;
  },
  validate() {
    if (!form) throw new Error('nothing rendered');
    const f = form;
    reported = [];
    let valid = false;
    flushSync(() => {
      valid = f.validateForm();
    });
    return { valid, errors: reported };
  },
  validateData(data) {
    const { errors } = validator.validateFormData(data, current);
    return { valid: errors.length === 0, errors };
  },
  formData(): unknown {
    return form?.state.formData as unknown;
  },
  inspect() {
    const unsupported = texts('.unsupported-field');
    const body = document.body.textContent ?? '';
    for (const marker of ['Unsupported field schema', 'Unknown field type']) {
      if (body.includes(marker)) unsupported.push(marker);
    }
    return {
      unsupported,
      labels: texts('legend, label'),
      selects: [...document.querySelectorAll('select')].map((s) => ({
        id: s.id,
        value: s.value,
        placeholder: s.options[0]?.value === '' ? s.options[0].text : null,
      })),
      errors: texts('.errors li, .error-detail li'),
    };
  },
};

(window as unknown as { fimHarness: Harness }).fimHarness = harness;
