import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import {
  getMetadataStorage,
  type ValidationArguments,
  ValidationTypes,
  type ValidatorConstraintInterface,
} from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';

import { isRecord } from './record';

/**
 * A payload check compiled once per class from the same class-validator metadata the decorators
 * registered: the same constraint functions, called directly on the parsed JSON, without building
 * a class instance, validation-error objects or the metadata lookups class-validator repeats for
 * every object.
 *
 * It answers only "valid" (true) or "not sure" (false). A filing it does not pass goes through
 * class-transformer and class-validator as before, which decide and name the offending fields; so
 * what it passes must be exactly what they pass with `whitelist`, `forbidNonWhitelisted` and
 * `forbidUnknownValues` (checked over mutated payloads of every type in compiled-validation.spec.ts).
 */
export type CompiledCheck = (data: Record<string, unknown>) => boolean;

type Condition = (object: object, value: unknown) => boolean;
type Constraint = (value: unknown, object: object) => boolean;

interface PropertyCheck {
  name: string;
  conditions: Condition[];
  constraints: Constraint[];
  /** The class of a nested object or of each element of a nested array. */
  nested?: CompiledCheck;
}

const compiled = new Map<Function, CompiledCheck | undefined>();

/**
 * The compiled check of a payload class, or undefined when its metadata uses something this
 * compiler does not reproduce (groups, asynchronous or promise validation, inheritance,
 * nested classes without a type): such a class is always validated by class-validator.
 */
export function compiledCheck(target: Function): CompiledCheck | undefined {
  if (!compiled.has(target)) {
    // Marks the class while it is compiled, so a class nested in itself is not compiled forever.
    compiled.set(target, undefined);
    compiled.set(target, compile(target));
  }
  return compiled.get(target);
}

function compile(target: Function): CompiledCheck | undefined {
  const storage = getMetadataStorage();
  const metadatas = storage.getTargetValidationMetadatas(target, '', false, false);
  if (metadatas.length === 0 || metadatas.some((metadata) => metadata.target !== target)) return undefined;
  const byProperty = storage.groupByPropertyName(metadatas);
  const properties: PropertyCheck[] = [];
  for (const [name, group] of Object.entries(byProperty)) {
    const property = compileProperty(target, name, group);
    if (!property) return undefined;
    properties.push(property);
  }
  const allowed = new Set(properties.map((property) => property.name));
  return (data) => {
    for (const key in data) {
      if (!Object.hasOwn(data, key)) continue;
      if (!allowed.has(key)) return false;
    }
    for (const property of properties) {
      const value = data[property.name];
      if (!property.conditions.every((condition) => Boolean(condition(data, value)))) continue;
      for (const constraint of property.constraints) if (!constraint(value, data)) return false;
      if (property.nested && value !== undefined && !nestedValid(value, property.nested)) return false;
    }
    return true;
  };
}

function compileProperty(target: Function, name: string, group: ValidationMetadata[]): PropertyCheck | undefined {
  const storage = getMetadataStorage();
  const property: PropertyCheck = { name, conditions: [], constraints: [] };
  for (const metadata of group) {
    if (metadata.groups?.length || metadata.always !== undefined) return undefined;
    switch (metadata.type) {
      case ValidationTypes.WHITELIST:
        break;
      case ValidationTypes.CONDITIONAL_VALIDATION:
        property.conditions.push(metadata.constraints[0] as Condition);
        break;
      case ValidationTypes.CUSTOM_VALIDATION: {
        for (const constraint of storage.getTargetValidatorConstraints(metadata.constraintCls)) {
          if (constraint.async) return undefined;
          const check = bind(constraint.instance, target, metadata);
          // `each`: every element of an array (sets and maps do not come out of JSON).
          property.constraints.push(
            metadata.each
              ? (value, object) =>
                  Array.isArray(value) ? value.every((element) => check(element, object)) : check(value, object)
              : check,
          );
        }
        break;
      }
      case ValidationTypes.NESTED_VALIDATION: {
        const type = defaultMetadataStorage.findTypeMetadata(target, name)?.typeFunction() as Function | undefined;
        const nested = type && compiledCheck(type);
        if (!nested || property.nested) return undefined;
        property.nested = nested;
        break;
      }
      default:
        return undefined;
    }
  }
  return property;
}

function bind(instance: ValidatorConstraintInterface, target: Function, metadata: ValidationMetadata): Constraint {
  return (value, object) => {
    const args: ValidationArguments = {
      targetName: target.name,
      property: metadata.propertyName,
      object,
      value,
      constraints: metadata.constraints,
    };
    const valid = instance.validate(value, args);
    // A promise is an asynchronous rule: not sure, so class-validator decides.
    return Boolean(valid) && !(valid instanceof Promise);
  };
}

/** A nested object, or an array of them: anything else is left to class-validator to describe. */
function nestedValid(value: unknown, check: CompiledCheck): boolean {
  if (Array.isArray(value)) return value.every((element) => isRecord(element) && check(element));
  return isRecord(value) && check(value);
}
